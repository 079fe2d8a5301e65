/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  mutation RefreshToken($refreshToken: String!) {\n    refreshToken(refreshToken: $refreshToken) {\n      tokens { accessToken accessTokenExpiresAt refreshToken }\n      errors { field code message }\n    }\n  }\n": typeof types.RefreshTokenDocument,
    "\n  mutation ConsoleLogout($refreshToken: String!) {\n    logout(refreshToken: $refreshToken) { errors { field code message } }\n  }\n": typeof types.ConsoleLogoutDocument,
    "\n  mutation ConsoleLogin($input: LoginInput!) {\n    login(input: $input) {\n      tokens { accessToken accessTokenExpiresAt refreshToken }\n      errors { field code message }\n    }\n  }\n": typeof types.ConsoleLoginDocument,
    "\n  query CaseDetail($id: ID!) {\n    node(id: $id) {\n      ... on Case {\n        id number title body kind channel state effectiveState isPrivate contactName contactPhone\n        receivedAt dueOn dueProvisional overdue bounceCount reopenCount satisfaction ratingText\n        closedAt adopted stream\n        accountableUnit { id name }\n        handler { id name }\n        placeUnit { id name }\n        assignments { id role state signDueAt signedAt returnedAt returnReason dueOn unit { id name } }\n        replies { id kind body createdAt unitId }\n      }\n    }\n  }\n": typeof types.CaseDetailDocument,
    "\n  query CaseHistory($stream: String!, $after: Int) {\n    streamEventPage(stream: $stream, after: $after, first: 100) {\n      events { seq type at payload }\n      nextAfter hasMore headSeq\n    }\n  }\n": typeof types.CaseHistoryDocument,
    "\n  subscription CaseEvents($stream: String!, $after: Int) {\n    events(stream: $stream, after: $after) { seq type at payload }\n  }\n": typeof types.CaseEventsDocument,
    "\n  query ConsoleUnits($parentId: ID) {\n    orgUnits(parentId: $parentId, first: 100) { edges { node { id name kind } } }\n  }\n": typeof types.ConsoleUnitsDocument,
    "\n  mutation ConsoleSign($assignmentId: ID!) {\n    signCaseAssignment(assignmentId: $assignmentId) { case { id state } errors { field code message } }\n  }\n": typeof types.ConsoleSignDocument,
    "\n  mutation ConsoleReturn($assignmentId: ID!, $reason: String!) {\n    returnCaseAssignment(assignmentId: $assignmentId, reason: $reason) { case { id state } errors { field code message } }\n  }\n": typeof types.ConsoleReturnDocument,
    "\n  mutation ConsoleDispatch($caseId: ID!, $unitId: ID!, $role: AssignmentRole!) {\n    dispatchCase(caseId: $caseId, unitId: $unitId, role: $role) { case { id state } errors { field code message } }\n  }\n": typeof types.ConsoleDispatchDocument,
    "\n  mutation ConsoleRedispatch($caseId: ID!, $unitId: ID!) {\n    redispatchCase(caseId: $caseId, unitId: $unitId) { case { id state } errors { field code message } }\n  }\n": typeof types.ConsoleRedispatchDocument,
    "\n  mutation ConsoleEscalate($caseId: ID!, $direction: EscalationDirection!, $unitId: ID, $reason: String) {\n    escalateCase(caseId: $caseId, direction: $direction, unitId: $unitId, reason: $reason) {\n      case { id state } errors { field code message }\n    }\n  }\n": typeof types.ConsoleEscalateDocument,
    "\n  mutation ConsoleReply($caseId: ID!, $kind: ReplyKind!, $body: String!, $adopted: Boolean) {\n    replyCase(caseId: $caseId, kind: $kind, body: $body, adopted: $adopted) {\n      case { id state } errors { field code message }\n    }\n  }\n": typeof types.ConsoleReplyDocument,
    "\n  mutation ConsoleClose($caseId: ID!) {\n    closeCase(caseId: $caseId) { case { id state } errors { field code message } }\n  }\n": typeof types.ConsoleCloseDocument,
    "\n  query InboxCases($filter: CasesFilter, $first: Int, $after: String) {\n    cases(filter: $filter, first: $first, after: $after) {\n      edges {\n        node {\n          id number title kind channel state receivedAt dueOn dueProvisional overdue bounceCount\n          accountableUnit { id name }\n          handler { id name }\n          assignments { id role state signDueAt unit { id name } }\n          lastEvent { type at }\n        }\n      }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": typeof types.InboxCasesDocument,
    "\n  subscription InboxLive($unitId: ID!, $after: Int) {\n    caseInbox(unitId: $unitId, after: $after) { seq type at caseId number title state note }\n  }\n": typeof types.InboxLiveDocument,
    "\n  query UnitMeetings($states: [MeetingState!], $after: String) {\n    meetings(states: $states, first: 100, after: $after) {\n      edges { node { id title kind mode state startsAt attendance hostUnit { id name } venue { name } } }\n      pageInfo { hasNextPage endCursor }\n    }\n    viewer { county { timezone } }\n  }\n": typeof types.UnitMeetingsDocument,
    "\n  mutation ConsoleCreateMeeting($input: CreateMeetingInput!) {\n    createMeeting(input: $input) { meeting { id } errors { field code message } }\n  }\n": typeof types.ConsoleCreateMeetingDocument,
    "\n  query MeetingRoomHead($stream: String!) {\n    streamEventPage(stream: $stream, after: 0, first: 1) { headSeq }\n  }\n": typeof types.MeetingRoomHeadDocument,
    "\n  query MeetingRoom($id: ID!) {\n    node(id: $id) {\n      ... on Meeting {\n        id title kind mode state startsAt minutes sealedHash sealedAt attendance\n        hostUnit { id name }\n        venue { name }\n        agenda { id position title speakerName timer { status durationSeconds deadline remainingSeconds } }\n        polls { id question kind options maxChoices eligibility state counts totalVotes }\n        scoringSheets {\n          id title scale targets state minBallots results\n          turnout { eligible counted pending notCounted { userId name } }\n        }\n        speakingQueue { id userId state topic }\n        comments(first: 100) {\n          edges { node { id kind body authorId createdAt hidden hiddenReason answeredLive handedOverUnitId } }\n        }\n      }\n    }\n  }\n": typeof types.MeetingRoomDocument,
    "\n  query MeetingRoomParticipants($id: ID!, $after: String) {\n    node(id: $id) {\n      ... on Meeting {\n        participants(first: 100, after: $after) {\n          edges { node { userId role invited checkedInAt checkInMode } }\n          pageInfo { hasNextPage endCursor }\n        }\n      }\n    }\n  }\n": typeof types.MeetingRoomParticipantsDocument,
    "\n  query MeetingRoomNames($ids: [ID!]!) {\n    nodes(ids: $ids) { ... on User { id displayName } }\n  }\n": typeof types.MeetingRoomNamesDocument,
    "\n  subscription MeetingRoomLive($meetingId: ID!, $after: Int) {\n    meetingLive(meetingId: $meetingId, after: $after) {\n      seq type\n      data {\n        __typename\n        ... on TimerUpdate { agendaItemId status deadline remainingSeconds durationSeconds warning }\n        ... on PollTally { pollId counts totalVotes }\n      }\n    }\n  }\n": typeof types.MeetingRoomLiveDocument,
    "\n  mutation RoomAnnounce($m: ID!) { announceMeeting(meetingId: $m) { warnings errors { field code message } } }\n": typeof types.RoomAnnounceDocument,
    "\n  mutation RoomStart($m: ID!) { startMeeting(meetingId: $m) { warnings errors { field code message } } }\n": typeof types.RoomStartDocument,
    "\n  mutation RoomClose($m: ID!) { closeMeeting(meetingId: $m) { meeting { sealedHash } errors { field code message } } }\n": typeof types.RoomCloseDocument,
    "\n  mutation RoomPublish($m: ID!) { publishMeetingRecord(meetingId: $m) { errors { field code message } } }\n": typeof types.RoomPublishDocument,
    "\n  mutation RoomCheckIn($m: ID!, $u: ID) { checkIn(meetingId: $m, userId: $u) { errors { field code message } } }\n": typeof types.RoomCheckInDocument,
    "\n  mutation RoomAddItem($m: ID!, $title: String!, $speakerName: String, $durationSeconds: Int) {\n    addAgendaItem(meetingId: $m, title: $title, speakerName: $speakerName, durationSeconds: $durationSeconds) {\n      agendaItem { id } errors { field code message }\n    }\n  }\n": typeof types.RoomAddItemDocument,
    "\n  mutation RoomTimer($a: ID!, $action: TimerAction!) {\n    controlTimer(agendaItemId: $a, action: $action) {\n      agendaItem { id timer { status durationSeconds deadline remainingSeconds } }\n      errors { field code message }\n    }\n  }\n": typeof types.RoomTimerDocument,
    "\n  mutation RoomCreatePoll($m: ID!, $question: String!, $options: [String!]!, $kind: PollKind!, $maxChoices: Int, $eligibility: Eligibility!) {\n    createPoll(meetingId: $m, question: $question, options: $options, kind: $kind, maxChoices: $maxChoices, eligibility: $eligibility) {\n      poll { id } errors { field code message }\n    }\n  }\n": typeof types.RoomCreatePollDocument,
    "\n  mutation RoomOpenPoll($p: ID!) { openPoll(pollId: $p) { poll { id state } errors { field code message } } }\n": typeof types.RoomOpenPollDocument,
    "\n  mutation RoomClosePoll($p: ID!) { closePoll(pollId: $p) { poll { id state } errors { field code message } } }\n": typeof types.RoomClosePollDocument,
    "\n  mutation RoomOpenScoring($m: ID!, $title: String!, $targets: [String!]!, $scale: ScoringScale!, $minBallots: Int!) {\n    openScoring(meetingId: $m, title: $title, targets: $targets, scale: $scale, minBallots: $minBallots) {\n      accepted errors { field code message }\n    }\n  }\n": typeof types.RoomOpenScoringDocument,
    "\n  mutation RoomCloseScoring($s: ID!) { closeScoring(sheetId: $s) { accepted errors { field code message } } }\n": typeof types.RoomCloseScoringDocument,
    "\n  mutation RoomHideComment($c: ID!, $reason: String!) {\n    hideComment(commentId: $c, reason: $reason) { comment { id hidden } errors { field code message } }\n  }\n": typeof types.RoomHideCommentDocument,
    "\n  mutation RoomAnswer($c: ID!) { answerQuestion(commentId: $c) { comment { id } errors { field code message } } }\n": typeof types.RoomAnswerDocument,
    "\n  mutation RoomSpeaking($r: ID!, $state: SpeakingState!) {\n    updateSpeakingRequest(requestId: $r, state: $state) { state errors { field code message } }\n  }\n": typeof types.RoomSpeakingDocument,
    "\n  mutation RoomMinutes($m: ID!, $text: String!) { setMinutes(meetingId: $m, text: $text) { errors { field code message } } }\n": typeof types.RoomMinutesDocument,
    "\n  query CaseBoard($period: PeriodInput!, $groupBy: GroupBy!, $month: Date!) {\n    caseStatistics(period: $period, groupBy: $groupBy) {\n      exportUrl\n      groups { ...Figures }\n      total { ...Figures }\n    }\n    caseUnitRanking(month: $month) { rank name score figures { received responseRate resolutionRate satisfactionRate } }\n    caseHotTopics(period: $period, limit: 15) { total keywords { key label count previous trend } }\n  }\n  fragment Figures on CaseFigures {\n    key label received outOfScope closed closingRate closedOnTime onTimeRate averageHandlingHours\n    satisfied basicallySatisfied dissatisfied satisfactionRate dispatched signedInTime responseRate\n    resolutionRate overdueOpen\n  }\n": typeof types.CaseBoardDocument,
    "\n  query ConsoleViewer {\n    viewer {\n      user { id displayName memberships { role orgUnit { id name kind } } }\n      county { name slug timezone }\n    }\n    orgUnits(kinds: [COUNTY], first: 1) { edges { node { id name kind } } }\n  }\n": typeof types.ConsoleViewerDocument,
};
const documents: Documents = {
    "\n  mutation RefreshToken($refreshToken: String!) {\n    refreshToken(refreshToken: $refreshToken) {\n      tokens { accessToken accessTokenExpiresAt refreshToken }\n      errors { field code message }\n    }\n  }\n": types.RefreshTokenDocument,
    "\n  mutation ConsoleLogout($refreshToken: String!) {\n    logout(refreshToken: $refreshToken) { errors { field code message } }\n  }\n": types.ConsoleLogoutDocument,
    "\n  mutation ConsoleLogin($input: LoginInput!) {\n    login(input: $input) {\n      tokens { accessToken accessTokenExpiresAt refreshToken }\n      errors { field code message }\n    }\n  }\n": types.ConsoleLoginDocument,
    "\n  query CaseDetail($id: ID!) {\n    node(id: $id) {\n      ... on Case {\n        id number title body kind channel state effectiveState isPrivate contactName contactPhone\n        receivedAt dueOn dueProvisional overdue bounceCount reopenCount satisfaction ratingText\n        closedAt adopted stream\n        accountableUnit { id name }\n        handler { id name }\n        placeUnit { id name }\n        assignments { id role state signDueAt signedAt returnedAt returnReason dueOn unit { id name } }\n        replies { id kind body createdAt unitId }\n      }\n    }\n  }\n": types.CaseDetailDocument,
    "\n  query CaseHistory($stream: String!, $after: Int) {\n    streamEventPage(stream: $stream, after: $after, first: 100) {\n      events { seq type at payload }\n      nextAfter hasMore headSeq\n    }\n  }\n": types.CaseHistoryDocument,
    "\n  subscription CaseEvents($stream: String!, $after: Int) {\n    events(stream: $stream, after: $after) { seq type at payload }\n  }\n": types.CaseEventsDocument,
    "\n  query ConsoleUnits($parentId: ID) {\n    orgUnits(parentId: $parentId, first: 100) { edges { node { id name kind } } }\n  }\n": types.ConsoleUnitsDocument,
    "\n  mutation ConsoleSign($assignmentId: ID!) {\n    signCaseAssignment(assignmentId: $assignmentId) { case { id state } errors { field code message } }\n  }\n": types.ConsoleSignDocument,
    "\n  mutation ConsoleReturn($assignmentId: ID!, $reason: String!) {\n    returnCaseAssignment(assignmentId: $assignmentId, reason: $reason) { case { id state } errors { field code message } }\n  }\n": types.ConsoleReturnDocument,
    "\n  mutation ConsoleDispatch($caseId: ID!, $unitId: ID!, $role: AssignmentRole!) {\n    dispatchCase(caseId: $caseId, unitId: $unitId, role: $role) { case { id state } errors { field code message } }\n  }\n": types.ConsoleDispatchDocument,
    "\n  mutation ConsoleRedispatch($caseId: ID!, $unitId: ID!) {\n    redispatchCase(caseId: $caseId, unitId: $unitId) { case { id state } errors { field code message } }\n  }\n": types.ConsoleRedispatchDocument,
    "\n  mutation ConsoleEscalate($caseId: ID!, $direction: EscalationDirection!, $unitId: ID, $reason: String) {\n    escalateCase(caseId: $caseId, direction: $direction, unitId: $unitId, reason: $reason) {\n      case { id state } errors { field code message }\n    }\n  }\n": types.ConsoleEscalateDocument,
    "\n  mutation ConsoleReply($caseId: ID!, $kind: ReplyKind!, $body: String!, $adopted: Boolean) {\n    replyCase(caseId: $caseId, kind: $kind, body: $body, adopted: $adopted) {\n      case { id state } errors { field code message }\n    }\n  }\n": types.ConsoleReplyDocument,
    "\n  mutation ConsoleClose($caseId: ID!) {\n    closeCase(caseId: $caseId) { case { id state } errors { field code message } }\n  }\n": types.ConsoleCloseDocument,
    "\n  query InboxCases($filter: CasesFilter, $first: Int, $after: String) {\n    cases(filter: $filter, first: $first, after: $after) {\n      edges {\n        node {\n          id number title kind channel state receivedAt dueOn dueProvisional overdue bounceCount\n          accountableUnit { id name }\n          handler { id name }\n          assignments { id role state signDueAt unit { id name } }\n          lastEvent { type at }\n        }\n      }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": types.InboxCasesDocument,
    "\n  subscription InboxLive($unitId: ID!, $after: Int) {\n    caseInbox(unitId: $unitId, after: $after) { seq type at caseId number title state note }\n  }\n": types.InboxLiveDocument,
    "\n  query UnitMeetings($states: [MeetingState!], $after: String) {\n    meetings(states: $states, first: 100, after: $after) {\n      edges { node { id title kind mode state startsAt attendance hostUnit { id name } venue { name } } }\n      pageInfo { hasNextPage endCursor }\n    }\n    viewer { county { timezone } }\n  }\n": types.UnitMeetingsDocument,
    "\n  mutation ConsoleCreateMeeting($input: CreateMeetingInput!) {\n    createMeeting(input: $input) { meeting { id } errors { field code message } }\n  }\n": types.ConsoleCreateMeetingDocument,
    "\n  query MeetingRoomHead($stream: String!) {\n    streamEventPage(stream: $stream, after: 0, first: 1) { headSeq }\n  }\n": types.MeetingRoomHeadDocument,
    "\n  query MeetingRoom($id: ID!) {\n    node(id: $id) {\n      ... on Meeting {\n        id title kind mode state startsAt minutes sealedHash sealedAt attendance\n        hostUnit { id name }\n        venue { name }\n        agenda { id position title speakerName timer { status durationSeconds deadline remainingSeconds } }\n        polls { id question kind options maxChoices eligibility state counts totalVotes }\n        scoringSheets {\n          id title scale targets state minBallots results\n          turnout { eligible counted pending notCounted { userId name } }\n        }\n        speakingQueue { id userId state topic }\n        comments(first: 100) {\n          edges { node { id kind body authorId createdAt hidden hiddenReason answeredLive handedOverUnitId } }\n        }\n      }\n    }\n  }\n": types.MeetingRoomDocument,
    "\n  query MeetingRoomParticipants($id: ID!, $after: String) {\n    node(id: $id) {\n      ... on Meeting {\n        participants(first: 100, after: $after) {\n          edges { node { userId role invited checkedInAt checkInMode } }\n          pageInfo { hasNextPage endCursor }\n        }\n      }\n    }\n  }\n": types.MeetingRoomParticipantsDocument,
    "\n  query MeetingRoomNames($ids: [ID!]!) {\n    nodes(ids: $ids) { ... on User { id displayName } }\n  }\n": types.MeetingRoomNamesDocument,
    "\n  subscription MeetingRoomLive($meetingId: ID!, $after: Int) {\n    meetingLive(meetingId: $meetingId, after: $after) {\n      seq type\n      data {\n        __typename\n        ... on TimerUpdate { agendaItemId status deadline remainingSeconds durationSeconds warning }\n        ... on PollTally { pollId counts totalVotes }\n      }\n    }\n  }\n": types.MeetingRoomLiveDocument,
    "\n  mutation RoomAnnounce($m: ID!) { announceMeeting(meetingId: $m) { warnings errors { field code message } } }\n": types.RoomAnnounceDocument,
    "\n  mutation RoomStart($m: ID!) { startMeeting(meetingId: $m) { warnings errors { field code message } } }\n": types.RoomStartDocument,
    "\n  mutation RoomClose($m: ID!) { closeMeeting(meetingId: $m) { meeting { sealedHash } errors { field code message } } }\n": types.RoomCloseDocument,
    "\n  mutation RoomPublish($m: ID!) { publishMeetingRecord(meetingId: $m) { errors { field code message } } }\n": types.RoomPublishDocument,
    "\n  mutation RoomCheckIn($m: ID!, $u: ID) { checkIn(meetingId: $m, userId: $u) { errors { field code message } } }\n": types.RoomCheckInDocument,
    "\n  mutation RoomAddItem($m: ID!, $title: String!, $speakerName: String, $durationSeconds: Int) {\n    addAgendaItem(meetingId: $m, title: $title, speakerName: $speakerName, durationSeconds: $durationSeconds) {\n      agendaItem { id } errors { field code message }\n    }\n  }\n": types.RoomAddItemDocument,
    "\n  mutation RoomTimer($a: ID!, $action: TimerAction!) {\n    controlTimer(agendaItemId: $a, action: $action) {\n      agendaItem { id timer { status durationSeconds deadline remainingSeconds } }\n      errors { field code message }\n    }\n  }\n": types.RoomTimerDocument,
    "\n  mutation RoomCreatePoll($m: ID!, $question: String!, $options: [String!]!, $kind: PollKind!, $maxChoices: Int, $eligibility: Eligibility!) {\n    createPoll(meetingId: $m, question: $question, options: $options, kind: $kind, maxChoices: $maxChoices, eligibility: $eligibility) {\n      poll { id } errors { field code message }\n    }\n  }\n": types.RoomCreatePollDocument,
    "\n  mutation RoomOpenPoll($p: ID!) { openPoll(pollId: $p) { poll { id state } errors { field code message } } }\n": types.RoomOpenPollDocument,
    "\n  mutation RoomClosePoll($p: ID!) { closePoll(pollId: $p) { poll { id state } errors { field code message } } }\n": types.RoomClosePollDocument,
    "\n  mutation RoomOpenScoring($m: ID!, $title: String!, $targets: [String!]!, $scale: ScoringScale!, $minBallots: Int!) {\n    openScoring(meetingId: $m, title: $title, targets: $targets, scale: $scale, minBallots: $minBallots) {\n      accepted errors { field code message }\n    }\n  }\n": types.RoomOpenScoringDocument,
    "\n  mutation RoomCloseScoring($s: ID!) { closeScoring(sheetId: $s) { accepted errors { field code message } } }\n": types.RoomCloseScoringDocument,
    "\n  mutation RoomHideComment($c: ID!, $reason: String!) {\n    hideComment(commentId: $c, reason: $reason) { comment { id hidden } errors { field code message } }\n  }\n": types.RoomHideCommentDocument,
    "\n  mutation RoomAnswer($c: ID!) { answerQuestion(commentId: $c) { comment { id } errors { field code message } } }\n": types.RoomAnswerDocument,
    "\n  mutation RoomSpeaking($r: ID!, $state: SpeakingState!) {\n    updateSpeakingRequest(requestId: $r, state: $state) { state errors { field code message } }\n  }\n": types.RoomSpeakingDocument,
    "\n  mutation RoomMinutes($m: ID!, $text: String!) { setMinutes(meetingId: $m, text: $text) { errors { field code message } } }\n": types.RoomMinutesDocument,
    "\n  query CaseBoard($period: PeriodInput!, $groupBy: GroupBy!, $month: Date!) {\n    caseStatistics(period: $period, groupBy: $groupBy) {\n      exportUrl\n      groups { ...Figures }\n      total { ...Figures }\n    }\n    caseUnitRanking(month: $month) { rank name score figures { received responseRate resolutionRate satisfactionRate } }\n    caseHotTopics(period: $period, limit: 15) { total keywords { key label count previous trend } }\n  }\n  fragment Figures on CaseFigures {\n    key label received outOfScope closed closingRate closedOnTime onTimeRate averageHandlingHours\n    satisfied basicallySatisfied dissatisfied satisfactionRate dispatched signedInTime responseRate\n    resolutionRate overdueOpen\n  }\n": types.CaseBoardDocument,
    "\n  query ConsoleViewer {\n    viewer {\n      user { id displayName memberships { role orgUnit { id name kind } } }\n      county { name slug timezone }\n    }\n    orgUnits(kinds: [COUNTY], first: 1) { edges { node { id name kind } } }\n  }\n": types.ConsoleViewerDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RefreshToken($refreshToken: String!) {\n    refreshToken(refreshToken: $refreshToken) {\n      tokens { accessToken accessTokenExpiresAt refreshToken }\n      errors { field code message }\n    }\n  }\n"): (typeof documents)["\n  mutation RefreshToken($refreshToken: String!) {\n    refreshToken(refreshToken: $refreshToken) {\n      tokens { accessToken accessTokenExpiresAt refreshToken }\n      errors { field code message }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleLogout($refreshToken: String!) {\n    logout(refreshToken: $refreshToken) { errors { field code message } }\n  }\n"): (typeof documents)["\n  mutation ConsoleLogout($refreshToken: String!) {\n    logout(refreshToken: $refreshToken) { errors { field code message } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleLogin($input: LoginInput!) {\n    login(input: $input) {\n      tokens { accessToken accessTokenExpiresAt refreshToken }\n      errors { field code message }\n    }\n  }\n"): (typeof documents)["\n  mutation ConsoleLogin($input: LoginInput!) {\n    login(input: $input) {\n      tokens { accessToken accessTokenExpiresAt refreshToken }\n      errors { field code message }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CaseDetail($id: ID!) {\n    node(id: $id) {\n      ... on Case {\n        id number title body kind channel state effectiveState isPrivate contactName contactPhone\n        receivedAt dueOn dueProvisional overdue bounceCount reopenCount satisfaction ratingText\n        closedAt adopted stream\n        accountableUnit { id name }\n        handler { id name }\n        placeUnit { id name }\n        assignments { id role state signDueAt signedAt returnedAt returnReason dueOn unit { id name } }\n        replies { id kind body createdAt unitId }\n      }\n    }\n  }\n"): (typeof documents)["\n  query CaseDetail($id: ID!) {\n    node(id: $id) {\n      ... on Case {\n        id number title body kind channel state effectiveState isPrivate contactName contactPhone\n        receivedAt dueOn dueProvisional overdue bounceCount reopenCount satisfaction ratingText\n        closedAt adopted stream\n        accountableUnit { id name }\n        handler { id name }\n        placeUnit { id name }\n        assignments { id role state signDueAt signedAt returnedAt returnReason dueOn unit { id name } }\n        replies { id kind body createdAt unitId }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CaseHistory($stream: String!, $after: Int) {\n    streamEventPage(stream: $stream, after: $after, first: 100) {\n      events { seq type at payload }\n      nextAfter hasMore headSeq\n    }\n  }\n"): (typeof documents)["\n  query CaseHistory($stream: String!, $after: Int) {\n    streamEventPage(stream: $stream, after: $after, first: 100) {\n      events { seq type at payload }\n      nextAfter hasMore headSeq\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription CaseEvents($stream: String!, $after: Int) {\n    events(stream: $stream, after: $after) { seq type at payload }\n  }\n"): (typeof documents)["\n  subscription CaseEvents($stream: String!, $after: Int) {\n    events(stream: $stream, after: $after) { seq type at payload }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleUnits($parentId: ID) {\n    orgUnits(parentId: $parentId, first: 100) { edges { node { id name kind } } }\n  }\n"): (typeof documents)["\n  query ConsoleUnits($parentId: ID) {\n    orgUnits(parentId: $parentId, first: 100) { edges { node { id name kind } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleSign($assignmentId: ID!) {\n    signCaseAssignment(assignmentId: $assignmentId) { case { id state } errors { field code message } }\n  }\n"): (typeof documents)["\n  mutation ConsoleSign($assignmentId: ID!) {\n    signCaseAssignment(assignmentId: $assignmentId) { case { id state } errors { field code message } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleReturn($assignmentId: ID!, $reason: String!) {\n    returnCaseAssignment(assignmentId: $assignmentId, reason: $reason) { case { id state } errors { field code message } }\n  }\n"): (typeof documents)["\n  mutation ConsoleReturn($assignmentId: ID!, $reason: String!) {\n    returnCaseAssignment(assignmentId: $assignmentId, reason: $reason) { case { id state } errors { field code message } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleDispatch($caseId: ID!, $unitId: ID!, $role: AssignmentRole!) {\n    dispatchCase(caseId: $caseId, unitId: $unitId, role: $role) { case { id state } errors { field code message } }\n  }\n"): (typeof documents)["\n  mutation ConsoleDispatch($caseId: ID!, $unitId: ID!, $role: AssignmentRole!) {\n    dispatchCase(caseId: $caseId, unitId: $unitId, role: $role) { case { id state } errors { field code message } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleRedispatch($caseId: ID!, $unitId: ID!) {\n    redispatchCase(caseId: $caseId, unitId: $unitId) { case { id state } errors { field code message } }\n  }\n"): (typeof documents)["\n  mutation ConsoleRedispatch($caseId: ID!, $unitId: ID!) {\n    redispatchCase(caseId: $caseId, unitId: $unitId) { case { id state } errors { field code message } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleEscalate($caseId: ID!, $direction: EscalationDirection!, $unitId: ID, $reason: String) {\n    escalateCase(caseId: $caseId, direction: $direction, unitId: $unitId, reason: $reason) {\n      case { id state } errors { field code message }\n    }\n  }\n"): (typeof documents)["\n  mutation ConsoleEscalate($caseId: ID!, $direction: EscalationDirection!, $unitId: ID, $reason: String) {\n    escalateCase(caseId: $caseId, direction: $direction, unitId: $unitId, reason: $reason) {\n      case { id state } errors { field code message }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleReply($caseId: ID!, $kind: ReplyKind!, $body: String!, $adopted: Boolean) {\n    replyCase(caseId: $caseId, kind: $kind, body: $body, adopted: $adopted) {\n      case { id state } errors { field code message }\n    }\n  }\n"): (typeof documents)["\n  mutation ConsoleReply($caseId: ID!, $kind: ReplyKind!, $body: String!, $adopted: Boolean) {\n    replyCase(caseId: $caseId, kind: $kind, body: $body, adopted: $adopted) {\n      case { id state } errors { field code message }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleClose($caseId: ID!) {\n    closeCase(caseId: $caseId) { case { id state } errors { field code message } }\n  }\n"): (typeof documents)["\n  mutation ConsoleClose($caseId: ID!) {\n    closeCase(caseId: $caseId) { case { id state } errors { field code message } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query InboxCases($filter: CasesFilter, $first: Int, $after: String) {\n    cases(filter: $filter, first: $first, after: $after) {\n      edges {\n        node {\n          id number title kind channel state receivedAt dueOn dueProvisional overdue bounceCount\n          accountableUnit { id name }\n          handler { id name }\n          assignments { id role state signDueAt unit { id name } }\n          lastEvent { type at }\n        }\n      }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"): (typeof documents)["\n  query InboxCases($filter: CasesFilter, $first: Int, $after: String) {\n    cases(filter: $filter, first: $first, after: $after) {\n      edges {\n        node {\n          id number title kind channel state receivedAt dueOn dueProvisional overdue bounceCount\n          accountableUnit { id name }\n          handler { id name }\n          assignments { id role state signDueAt unit { id name } }\n          lastEvent { type at }\n        }\n      }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription InboxLive($unitId: ID!, $after: Int) {\n    caseInbox(unitId: $unitId, after: $after) { seq type at caseId number title state note }\n  }\n"): (typeof documents)["\n  subscription InboxLive($unitId: ID!, $after: Int) {\n    caseInbox(unitId: $unitId, after: $after) { seq type at caseId number title state note }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query UnitMeetings($states: [MeetingState!], $after: String) {\n    meetings(states: $states, first: 100, after: $after) {\n      edges { node { id title kind mode state startsAt attendance hostUnit { id name } venue { name } } }\n      pageInfo { hasNextPage endCursor }\n    }\n    viewer { county { timezone } }\n  }\n"): (typeof documents)["\n  query UnitMeetings($states: [MeetingState!], $after: String) {\n    meetings(states: $states, first: 100, after: $after) {\n      edges { node { id title kind mode state startsAt attendance hostUnit { id name } venue { name } } }\n      pageInfo { hasNextPage endCursor }\n    }\n    viewer { county { timezone } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleCreateMeeting($input: CreateMeetingInput!) {\n    createMeeting(input: $input) { meeting { id } errors { field code message } }\n  }\n"): (typeof documents)["\n  mutation ConsoleCreateMeeting($input: CreateMeetingInput!) {\n    createMeeting(input: $input) { meeting { id } errors { field code message } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MeetingRoomHead($stream: String!) {\n    streamEventPage(stream: $stream, after: 0, first: 1) { headSeq }\n  }\n"): (typeof documents)["\n  query MeetingRoomHead($stream: String!) {\n    streamEventPage(stream: $stream, after: 0, first: 1) { headSeq }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MeetingRoom($id: ID!) {\n    node(id: $id) {\n      ... on Meeting {\n        id title kind mode state startsAt minutes sealedHash sealedAt attendance\n        hostUnit { id name }\n        venue { name }\n        agenda { id position title speakerName timer { status durationSeconds deadline remainingSeconds } }\n        polls { id question kind options maxChoices eligibility state counts totalVotes }\n        scoringSheets {\n          id title scale targets state minBallots results\n          turnout { eligible counted pending notCounted { userId name } }\n        }\n        speakingQueue { id userId state topic }\n        comments(first: 100) {\n          edges { node { id kind body authorId createdAt hidden hiddenReason answeredLive handedOverUnitId } }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query MeetingRoom($id: ID!) {\n    node(id: $id) {\n      ... on Meeting {\n        id title kind mode state startsAt minutes sealedHash sealedAt attendance\n        hostUnit { id name }\n        venue { name }\n        agenda { id position title speakerName timer { status durationSeconds deadline remainingSeconds } }\n        polls { id question kind options maxChoices eligibility state counts totalVotes }\n        scoringSheets {\n          id title scale targets state minBallots results\n          turnout { eligible counted pending notCounted { userId name } }\n        }\n        speakingQueue { id userId state topic }\n        comments(first: 100) {\n          edges { node { id kind body authorId createdAt hidden hiddenReason answeredLive handedOverUnitId } }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MeetingRoomParticipants($id: ID!, $after: String) {\n    node(id: $id) {\n      ... on Meeting {\n        participants(first: 100, after: $after) {\n          edges { node { userId role invited checkedInAt checkInMode } }\n          pageInfo { hasNextPage endCursor }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query MeetingRoomParticipants($id: ID!, $after: String) {\n    node(id: $id) {\n      ... on Meeting {\n        participants(first: 100, after: $after) {\n          edges { node { userId role invited checkedInAt checkInMode } }\n          pageInfo { hasNextPage endCursor }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MeetingRoomNames($ids: [ID!]!) {\n    nodes(ids: $ids) { ... on User { id displayName } }\n  }\n"): (typeof documents)["\n  query MeetingRoomNames($ids: [ID!]!) {\n    nodes(ids: $ids) { ... on User { id displayName } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription MeetingRoomLive($meetingId: ID!, $after: Int) {\n    meetingLive(meetingId: $meetingId, after: $after) {\n      seq type\n      data {\n        __typename\n        ... on TimerUpdate { agendaItemId status deadline remainingSeconds durationSeconds warning }\n        ... on PollTally { pollId counts totalVotes }\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription MeetingRoomLive($meetingId: ID!, $after: Int) {\n    meetingLive(meetingId: $meetingId, after: $after) {\n      seq type\n      data {\n        __typename\n        ... on TimerUpdate { agendaItemId status deadline remainingSeconds durationSeconds warning }\n        ... on PollTally { pollId counts totalVotes }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RoomAnnounce($m: ID!) { announceMeeting(meetingId: $m) { warnings errors { field code message } } }\n"): (typeof documents)["\n  mutation RoomAnnounce($m: ID!) { announceMeeting(meetingId: $m) { warnings errors { field code message } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RoomStart($m: ID!) { startMeeting(meetingId: $m) { warnings errors { field code message } } }\n"): (typeof documents)["\n  mutation RoomStart($m: ID!) { startMeeting(meetingId: $m) { warnings errors { field code message } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RoomClose($m: ID!) { closeMeeting(meetingId: $m) { meeting { sealedHash } errors { field code message } } }\n"): (typeof documents)["\n  mutation RoomClose($m: ID!) { closeMeeting(meetingId: $m) { meeting { sealedHash } errors { field code message } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RoomPublish($m: ID!) { publishMeetingRecord(meetingId: $m) { errors { field code message } } }\n"): (typeof documents)["\n  mutation RoomPublish($m: ID!) { publishMeetingRecord(meetingId: $m) { errors { field code message } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RoomCheckIn($m: ID!, $u: ID) { checkIn(meetingId: $m, userId: $u) { errors { field code message } } }\n"): (typeof documents)["\n  mutation RoomCheckIn($m: ID!, $u: ID) { checkIn(meetingId: $m, userId: $u) { errors { field code message } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RoomAddItem($m: ID!, $title: String!, $speakerName: String, $durationSeconds: Int) {\n    addAgendaItem(meetingId: $m, title: $title, speakerName: $speakerName, durationSeconds: $durationSeconds) {\n      agendaItem { id } errors { field code message }\n    }\n  }\n"): (typeof documents)["\n  mutation RoomAddItem($m: ID!, $title: String!, $speakerName: String, $durationSeconds: Int) {\n    addAgendaItem(meetingId: $m, title: $title, speakerName: $speakerName, durationSeconds: $durationSeconds) {\n      agendaItem { id } errors { field code message }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RoomTimer($a: ID!, $action: TimerAction!) {\n    controlTimer(agendaItemId: $a, action: $action) {\n      agendaItem { id timer { status durationSeconds deadline remainingSeconds } }\n      errors { field code message }\n    }\n  }\n"): (typeof documents)["\n  mutation RoomTimer($a: ID!, $action: TimerAction!) {\n    controlTimer(agendaItemId: $a, action: $action) {\n      agendaItem { id timer { status durationSeconds deadline remainingSeconds } }\n      errors { field code message }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RoomCreatePoll($m: ID!, $question: String!, $options: [String!]!, $kind: PollKind!, $maxChoices: Int, $eligibility: Eligibility!) {\n    createPoll(meetingId: $m, question: $question, options: $options, kind: $kind, maxChoices: $maxChoices, eligibility: $eligibility) {\n      poll { id } errors { field code message }\n    }\n  }\n"): (typeof documents)["\n  mutation RoomCreatePoll($m: ID!, $question: String!, $options: [String!]!, $kind: PollKind!, $maxChoices: Int, $eligibility: Eligibility!) {\n    createPoll(meetingId: $m, question: $question, options: $options, kind: $kind, maxChoices: $maxChoices, eligibility: $eligibility) {\n      poll { id } errors { field code message }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RoomOpenPoll($p: ID!) { openPoll(pollId: $p) { poll { id state } errors { field code message } } }\n"): (typeof documents)["\n  mutation RoomOpenPoll($p: ID!) { openPoll(pollId: $p) { poll { id state } errors { field code message } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RoomClosePoll($p: ID!) { closePoll(pollId: $p) { poll { id state } errors { field code message } } }\n"): (typeof documents)["\n  mutation RoomClosePoll($p: ID!) { closePoll(pollId: $p) { poll { id state } errors { field code message } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RoomOpenScoring($m: ID!, $title: String!, $targets: [String!]!, $scale: ScoringScale!, $minBallots: Int!) {\n    openScoring(meetingId: $m, title: $title, targets: $targets, scale: $scale, minBallots: $minBallots) {\n      accepted errors { field code message }\n    }\n  }\n"): (typeof documents)["\n  mutation RoomOpenScoring($m: ID!, $title: String!, $targets: [String!]!, $scale: ScoringScale!, $minBallots: Int!) {\n    openScoring(meetingId: $m, title: $title, targets: $targets, scale: $scale, minBallots: $minBallots) {\n      accepted errors { field code message }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RoomCloseScoring($s: ID!) { closeScoring(sheetId: $s) { accepted errors { field code message } } }\n"): (typeof documents)["\n  mutation RoomCloseScoring($s: ID!) { closeScoring(sheetId: $s) { accepted errors { field code message } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RoomHideComment($c: ID!, $reason: String!) {\n    hideComment(commentId: $c, reason: $reason) { comment { id hidden } errors { field code message } }\n  }\n"): (typeof documents)["\n  mutation RoomHideComment($c: ID!, $reason: String!) {\n    hideComment(commentId: $c, reason: $reason) { comment { id hidden } errors { field code message } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RoomAnswer($c: ID!) { answerQuestion(commentId: $c) { comment { id } errors { field code message } } }\n"): (typeof documents)["\n  mutation RoomAnswer($c: ID!) { answerQuestion(commentId: $c) { comment { id } errors { field code message } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RoomSpeaking($r: ID!, $state: SpeakingState!) {\n    updateSpeakingRequest(requestId: $r, state: $state) { state errors { field code message } }\n  }\n"): (typeof documents)["\n  mutation RoomSpeaking($r: ID!, $state: SpeakingState!) {\n    updateSpeakingRequest(requestId: $r, state: $state) { state errors { field code message } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RoomMinutes($m: ID!, $text: String!) { setMinutes(meetingId: $m, text: $text) { errors { field code message } } }\n"): (typeof documents)["\n  mutation RoomMinutes($m: ID!, $text: String!) { setMinutes(meetingId: $m, text: $text) { errors { field code message } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CaseBoard($period: PeriodInput!, $groupBy: GroupBy!, $month: Date!) {\n    caseStatistics(period: $period, groupBy: $groupBy) {\n      exportUrl\n      groups { ...Figures }\n      total { ...Figures }\n    }\n    caseUnitRanking(month: $month) { rank name score figures { received responseRate resolutionRate satisfactionRate } }\n    caseHotTopics(period: $period, limit: 15) { total keywords { key label count previous trend } }\n  }\n  fragment Figures on CaseFigures {\n    key label received outOfScope closed closingRate closedOnTime onTimeRate averageHandlingHours\n    satisfied basicallySatisfied dissatisfied satisfactionRate dispatched signedInTime responseRate\n    resolutionRate overdueOpen\n  }\n"): (typeof documents)["\n  query CaseBoard($period: PeriodInput!, $groupBy: GroupBy!, $month: Date!) {\n    caseStatistics(period: $period, groupBy: $groupBy) {\n      exportUrl\n      groups { ...Figures }\n      total { ...Figures }\n    }\n    caseUnitRanking(month: $month) { rank name score figures { received responseRate resolutionRate satisfactionRate } }\n    caseHotTopics(period: $period, limit: 15) { total keywords { key label count previous trend } }\n  }\n  fragment Figures on CaseFigures {\n    key label received outOfScope closed closingRate closedOnTime onTimeRate averageHandlingHours\n    satisfied basicallySatisfied dissatisfied satisfactionRate dispatched signedInTime responseRate\n    resolutionRate overdueOpen\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleViewer {\n    viewer {\n      user { id displayName memberships { role orgUnit { id name kind } } }\n      county { name slug timezone }\n    }\n    orgUnits(kinds: [COUNTY], first: 1) { edges { node { id name kind } } }\n  }\n"): (typeof documents)["\n  query ConsoleViewer {\n    viewer {\n      user { id displayName memberships { role orgUnit { id name kind } } }\n      county { name slug timezone }\n    }\n    orgUnits(kinds: [COUNTY], first: 1) { edges { node { id name kind } } }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;