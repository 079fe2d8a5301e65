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
    "\n  query AdminAuditLog($action: String, $actor: String, $since: DateTime, $until: DateTime, $after: String) {\n    auditLog(action: $action, actor: $actor, since: $since, until: $until, first: 20, after: $after) {\n      edges { node { id action actor targetType targetId before after createdAt } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": typeof types.AdminAuditLogDocument,
    "\n  query AdminZone { county { timezone } }\n": typeof types.AdminZoneDocument,
    "\n  query AdminUnits($after: String) {\n    orgUnits(first: 100, after: $after) {\n      edges { node { id name kind code parent { id } } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": typeof types.AdminUnitsDocument,
    "\n  mutation AdminCreateUnit($input: CreateOrgUnitInput!) {\n    createOrgUnit(input: $input) { orgUnit { id name kind } errors { field code message } }\n  }\n": typeof types.AdminCreateUnitDocument,
    "\n  query AdminOrgHead { streamEventPage(stream: \"org\", first: 1) { headSeq } }\n": typeof types.AdminOrgHeadDocument,
    "\n  subscription AdminOrgEvents($after: Int) { events(stream: \"org\", after: $after) { seq type } }\n": typeof types.AdminOrgEventsDocument,
    "\n  mutation AdminUpdateUnit($input: UpdateOrgUnitInput!) {\n    updateOrgUnit(input: $input) { orgUnit { id name code } errors { field code message } }\n  }\n": typeof types.AdminUpdateUnitDocument,
    "\n  query AdminUsers($search: String, $role: Role, $after: String) {\n    users(search: $search, role: $role, first: 20, after: $after) {\n      edges { node { id displayName phone isActive memberships { id role orgUnit { id name } } } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": typeof types.AdminUsersDocument,
    "\n  mutation AdminCreateUser($input: CreateUserInput!) {\n    createUser(input: $input) { user { id displayName } errors { field code message } }\n  }\n": typeof types.AdminCreateUserDocument,
    "\n  mutation AdminGrantRole($input: GrantRoleInput!) {\n    grantRole(input: $input) { membership { id role } errors { field code message } }\n  }\n": typeof types.AdminGrantRoleDocument,
    "\n  mutation AdminRevokeRole($membershipId: ID!) {\n    revokeRole(membershipId: $membershipId) { membership { id role } errors { field code message } }\n  }\n": typeof types.AdminRevokeRoleDocument,
    "\n  mutation AdminSetUserActive($userId: ID!, $active: Boolean!) {\n    setUserActive(userId: $userId, active: $active) { user { id isActive } errors { field code message } }\n  }\n": typeof types.AdminSetUserActiveDocument,
    "\n  query CountyRules {\n    countyRules {\n      key title value unit amount source overridden reason bindingMinimum belowBindingMinimum\n      defaultValue defaultUnit defaultAmount defaultSource note citation\n    }\n  }\n": typeof types.CountyRulesDocument,
    "\n  mutation AdminSetRule($input: SetCountyRuleInput!) {\n    setCountyRule(input: $input) { rule { key amount } errors { field code message } }\n  }\n": typeof types.AdminSetRuleDocument,
    "\n  mutation AdminResetRule($key: String!) {\n    resetCountyRule(key: $key) { rule { key amount } errors { field code message } }\n  }\n": typeof types.AdminResetRuleDocument,
    "\n  query AdminVenues($orgUnitId: ID, $after: String) {\n    venues(orgUnitId: $orgUnitId, first: 20, after: $after) {\n      edges { node { id name level address orgUnit { id name kind } } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": typeof types.AdminVenuesDocument,
    "\n  mutation AdminCreateVenue($input: CreateVenueInput!) {\n    createVenue(input: $input) { venue { id name } errors { field code message } }\n  }\n": typeof types.AdminCreateVenueDocument,
    "\n  mutation AdminUpdateVenue($input: UpdateVenueInput!) {\n    updateVenue(input: $input) { venue { id name address } errors { field code message } }\n  }\n": typeof types.AdminUpdateVenueDocument,
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
    "\n  query DecisionDetail($id: ID!) {\n    decision(id: $id) {\n      id title summary state currentStep decidedAt staffView stream leadUnitId coUnitIds\n      latestVersion { number note paragraphs { id label body opinionCount alternative } }\n      steps { step startedAt completedAt note responsibleIds documents { id name sha256 size createdAt } }\n      commentPeriods { opensOn closesOn rule shorteningReason }\n      opinions(first: 100) {\n        edges { node { id channel category body currentParagraphLabel anchorState outcome answer answeredAt createdAt } }\n      }\n      surveys { id title state opensOn closesOn report { summary } }\n      participationReport { sha256 opinions createdAt }\n      missingForDecision { field code message }\n    }\n  }\n": typeof types.DecisionDetailDocument,
    "\n  query DecisionReportDocx($id: ID!) {\n    decision(id: $id) { participationReport { sha256 docxBase64 } }\n  }\n": typeof types.DecisionReportDocxDocument,
    "\n  subscription DecisionEvents($stream: String!, $after: Int) {\n    events(stream: $stream, after: $after) { seq type at }\n  }\n": typeof types.DecisionEventsDocument,
    "\n  query DecisionStreamHead($stream: String!) {\n    streamEventPage(stream: $stream, after: 0, first: 1) { headSeq }\n  }\n": typeof types.DecisionStreamHeadDocument,
    "\n  mutation DecisionStartStep($decisionId: ID!, $step: DecisionStep!) {\n    startDecisionStep(decisionId: $decisionId, step: $step) { decision { id state currentStep } errors { field code message } }\n  }\n": typeof types.DecisionStartStepDocument,
    "\n  mutation DecisionCompleteStep($decisionId: ID!, $step: DecisionStep!, $note: String) {\n    completeDecisionStep(decisionId: $decisionId, step: $step, note: $note) { decision { id state } errors { field code message } }\n  }\n": typeof types.DecisionCompleteStepDocument,
    "\n  mutation DecisionStepPeople($decisionId: ID!, $step: DecisionStep!, $userIds: [ID!]!) {\n    setDecisionStepPeople(decisionId: $decisionId, step: $step, userIds: $userIds) { decision { id } errors { field code message } }\n  }\n": typeof types.DecisionStepPeopleDocument,
    "\n  mutation DecisionAddDocument($input: AddDecisionDocumentInput!) {\n    addDecisionDocument(input: $input) { document { id name } errors { field code message } }\n  }\n": typeof types.DecisionAddDocumentDocument,
    "\n  mutation DecisionAnswerOpinion($opinionId: ID!, $outcome: OpinionOutcome!, $reason: String) {\n    answerOpinion(opinionId: $opinionId, outcome: $outcome, reason: $reason) { opinion { id outcome } errors { field code message } }\n  }\n": typeof types.DecisionAnswerOpinionDocument,
    "\n  mutation DecisionGenerateReport($decisionId: ID!) {\n    generateParticipationReport(decisionId: $decisionId) { report { id sha256 } errors { field code message } }\n  }\n": typeof types.DecisionGenerateReportDocument,
    "\n  query DecisionHearings($after: String) {\n    hearings(first: 100, after: $after) {\n      edges {\n        node {\n          id kind state decisionId title place startsAt totalSeats algorithm algorithmVersion\n          quotas { category seats alternates }\n          publicRandomnessSource publicRandomness noticePublishedAt applicationsOpenedAt poolFrozenAt\n          poolHash drawnAt seed applicantCount\n          witnesses { id position name commitment committedAt secret revealedAt }\n          pool { poolId category probability outcome alternateRank }\n          sealedAt\n          applications { poolId }\n        }\n      }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": typeof types.DecisionHearingsDocument,
    "\n  query DecisionList($after: String) {\n    decisions(first: 100, after: $after) {\n      edges {\n        node {\n          id title state currentStep createdAt decidedAt leadUnitId\n          missingForDecision { code }\n        }\n      }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": typeof types.DecisionListDocument,
    "\n  query InboxCases($filter: CasesFilter, $first: Int, $after: String) {\n    cases(filter: $filter, first: $first, after: $after) {\n      edges {\n        node {\n          id number title kind channel state receivedAt dueOn dueProvisional overdue bounceCount\n          accountableUnit { id name }\n          handler { id name }\n          assignments { id role state signDueAt unit { id name } }\n          lastEvent { type at }\n        }\n      }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": typeof types.InboxCasesDocument,
    "\n  query InboxCounts($unitId: ID!) {\n    caseInboxCounts(unitId: $unitId) { new toSign inHandling sentBack dueSoon overdue }\n  }\n": typeof types.InboxCountsDocument,
    "\n  subscription InboxLive($unitId: ID!, $after: Int) {\n    caseInbox(unitId: $unitId, after: $after) { seq type at caseId number title state note }\n  }\n": typeof types.InboxLiveDocument,
    "\n  query UnitMeetings($states: [MeetingState!], $after: String) {\n    meetings(states: $states, first: 100, after: $after) {\n      edges { node { id title kind mode state startsAt attendance hostUnit { id name } venue { name } } }\n      pageInfo { hasNextPage endCursor }\n    }\n    viewer { county { timezone } }\n  }\n": typeof types.UnitMeetingsDocument,
    "\n  mutation ConsoleCreateMeeting($input: CreateMeetingInput!) {\n    createMeeting(input: $input) { meeting { id } errors { field code message } }\n  }\n": typeof types.ConsoleCreateMeetingDocument,
    "\n  query MeetingRoomHead($stream: String!) {\n    streamEventPage(stream: $stream, after: 0, first: 1) { headSeq }\n  }\n": typeof types.MeetingRoomHeadDocument,
    "\n  query MeetingRoom($id: ID!) {\n    node(id: $id) {\n      ... on Meeting {\n        id title kind mode state startsAt minutes sealedHash sealedAt attendance\n        hostUnit { id name }\n        venue { name }\n        agenda { id position title speakerName timer { status durationSeconds deadline remainingSeconds } }\n        polls { id question kind options maxChoices eligibility state counts totalVotes }\n        scoringSheets {\n          id title scale targets state minBallots results\n          turnout { eligible counted pending notCounted { userId name } }\n        }\n        speakingQueue { id userId state topic }\n        comments(first: 100) {\n          edges { node { id kind body authorId createdAt hidden hiddenReason approved answeredLive handedOverUnitId } }\n        }\n      }\n    }\n  }\n": typeof types.MeetingRoomDocument,
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
    "\n  mutation RoomApproveComment($c: ID!) {\n    approveComment(commentId: $c) { comment { id approved } errors { field code message } }\n  }\n": typeof types.RoomApproveCommentDocument,
    "\n  mutation RoomAnswer($c: ID!) { answerQuestion(commentId: $c) { comment { id } errors { field code message } } }\n": typeof types.RoomAnswerDocument,
    "\n  mutation RoomSpeaking($r: ID!, $state: SpeakingState!) {\n    updateSpeakingRequest(requestId: $r, state: $state) { state errors { field code message } }\n  }\n": typeof types.RoomSpeakingDocument,
    "\n  mutation RoomMinutes($m: ID!, $text: String!) { setMinutes(meetingId: $m, text: $text) { errors { field code message } } }\n": typeof types.RoomMinutesDocument,
    "\n  mutation ParticipantLogin($input: LoginInput!) {\n    login(input: $input) {\n      tokens { accessToken accessTokenExpiresAt refreshToken }\n      errors { field code message }\n    }\n  }\n": typeof types.ParticipantLoginDocument,
    "\n  mutation ParticipantSmsCode($phone: String!) {\n    requestSmsCode(phone: $phone) { sent errors { field code message } }\n  }\n": typeof types.ParticipantSmsCodeDocument,
    "\n  mutation ParticipantSmsSignIn($phone: String!, $code: String!) {\n    signInWithSmsCode(phone: $phone, code: $code) {\n      tokens { accessToken accessTokenExpiresAt refreshToken }\n      errors { field code message }\n    }\n  }\n": typeof types.ParticipantSmsSignInDocument,
    "\n  query ParticipantViewer {\n    viewer { user { id displayName verification } county { name slug timezone } }\n  }\n": typeof types.ParticipantViewerDocument,
    "\n  query ParticipantCounty {\n    viewer { county { name slug timezone } }\n  }\n": typeof types.ParticipantCountyDocument,
    "\n  query ParticipantCases($after: String) {\n    myCases(first: 20, after: $after) {\n      edges { node { id number title kind state effectiveState dueOn dueProvisional receivedAt } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": typeof types.ParticipantCasesDocument,
    "\n  query ParticipantCase($id: ID!) {\n    node(id: $id) {\n      ... on Case {\n        id number title body kind state effectiveState receivedAt dueOn dueProvisional satisfaction ratingText\n        reopenCount closedDissatisfied stream\n        handler { name }\n        replies { id kind body createdAt }\n      }\n    }\n  }\n": typeof types.ParticipantCaseDocument,
    "\n  query ParticipantCaseHistory($stream: String!, $after: Int) {\n    streamEventPage(stream: $stream, after: $after, first: 100) {\n      events { seq type at payload }\n      nextAfter hasMore headSeq\n    }\n  }\n": typeof types.ParticipantCaseHistoryDocument,
    "\n  subscription ParticipantCaseEvents($stream: String!, $after: Int) {\n    events(stream: $stream, after: $after) { seq type at payload }\n  }\n": typeof types.ParticipantCaseEventsDocument,
    "\n  mutation ParticipantRate($caseId: ID!, $satisfaction: Satisfaction!, $text: String) {\n    rateCase(caseId: $caseId, satisfaction: $satisfaction, text: $text) {\n      case { id state reopenCount } errors { field code message }\n    }\n  }\n": typeof types.ParticipantRateDocument,
    "\n  mutation ParticipantRaiseCase($input: RaiseCaseInput!) {\n    raiseCase(input: $input) { number case { id } errors { field code message } }\n  }\n": typeof types.ParticipantRaiseCaseDocument,
    "\n  query ParticipantMeetingHead($stream: String!) {\n    streamEventPage(stream: $stream, first: 1) { headSeq }\n  }\n": typeof types.ParticipantMeetingHeadDocument,
    "\n  query ParticipantMeeting($id: ID!) {\n    node(id: $id) {\n      ... on Meeting {\n        id title kind mode state startsAt description attendance requiredVerification\n        venue { name }\n        agenda { id position title speakerName timer { status durationSeconds deadline remainingSeconds } }\n        polls { id question kind options maxChoices state counts totalVotes }\n        scoringSheets { id title scale targets state minBallots myBallot results }\n        speakingQueue { id state topic }\n        comments(first: 50) { edges { node { id kind body createdAt hidden answeredLive parentId } } }\n      }\n    }\n  }\n": typeof types.ParticipantMeetingDocument,
    "\n  subscription ParticipantLive($meetingId: ID!, $after: Int) {\n    meetingLive(meetingId: $meetingId, after: $after) {\n      seq type at\n      data {\n        __typename\n        ... on TimerUpdate { agendaItemId status deadline remainingSeconds durationSeconds warning }\n        ... on PollTally { pollId counts totalVotes }\n        ... on CommentUpdate { change commentId kind body authorName parentId }\n        ... on QueueUpdate { queue { requestId name state topic } }\n        ... on MeetingStateChanged { state }\n        ... on ParticipantUpdate { change participants { role } }\n        ... on ScoringTurnout { sheetId }\n        ... on ResyncRequired { reason }\n      }\n    }\n  }\n": typeof types.ParticipantLiveDocument,
    "\n  mutation ParticipantRegister($meetingId: ID!) {\n    registerForMeeting(meetingId: $meetingId) { errors { field code message } }\n  }\n": typeof types.ParticipantRegisterDocument,
    "\n  mutation ParticipantCheckIn($meetingId: ID!) {\n    checkIn(meetingId: $meetingId) { errors { field code message } }\n  }\n": typeof types.ParticipantCheckInDocument,
    "\n  mutation ParticipantVote($pollId: ID!, $choices: [Int!]!, $idempotencyKey: String!) {\n    castVote(pollId: $pollId, choices: $choices, idempotencyKey: $idempotencyKey) {\n      accepted duplicate errors { field code message }\n    }\n  }\n": typeof types.ParticipantVoteDocument,
    "\n  mutation ParticipantScore($sheetId: ID!, $answers: [String!]!) {\n    castScoringBallot(sheetId: $sheetId, answers: $answers) { accepted status errors { field code message } }\n  }\n": typeof types.ParticipantScoreDocument,
    "\n  mutation ParticipantComment($meetingId: ID!, $body: String!, $kind: CommentKind!) {\n    postComment(meetingId: $meetingId, body: $body, kind: $kind) {\n      comment { id kind body createdAt hidden answeredLive parentId }\n      errors { field code message }\n    }\n  }\n": typeof types.ParticipantCommentDocument,
    "\n  mutation ParticipantRaiseHand($meetingId: ID!, $topic: String) {\n    raiseHand(meetingId: $meetingId, topic: $topic) { requestId state errors { field code message } }\n  }\n": typeof types.ParticipantRaiseHandDocument,
    "\n  mutation ParticipantLowerHand($requestId: ID!) {\n    updateSpeakingRequest(requestId: $requestId, state: WITHDRAWN) { requestId state errors { field code message } }\n  }\n": typeof types.ParticipantLowerHandDocument,
    "\n  query ParticipantMeetings {\n    meetings(states: [LIVE, ANNOUNCED], first: 50) {\n      edges { node { id title kind mode state startsAt venue { name } } }\n    }\n  }\n": typeof types.ParticipantMeetingsDocument,
    "\n  query CaseBoard($period: PeriodInput!, $groupBy: GroupBy!, $month: Date!) {\n    caseStatistics(period: $period, groupBy: $groupBy) {\n      exportUrl\n      groups { ...Figures }\n      total { ...Figures }\n    }\n    caseUnitRanking(month: $month) { rank name score figures { received responseRate resolutionRate satisfactionRate } }\n    caseHotTopics(period: $period, limit: 15) { total keywords { key label count previous trend } }\n  }\n  fragment Figures on CaseFigures {\n    key label received outOfScope closed closingRate closedOnTime onTimeRate averageHandlingHours\n    satisfied basicallySatisfied dissatisfied satisfactionRate dispatched signedInTime responseRate\n    resolutionRate overdueOpen\n  }\n": typeof types.CaseBoardDocument,
    "\n  query ConsoleViewer {\n    viewer {\n      user { id displayName memberships { role orgUnit { id name kind } } }\n      county { name slug timezone }\n    }\n    orgUnits(kinds: [COUNTY], first: 1) { edges { node { id name kind } } }\n  }\n": typeof types.ConsoleViewerDocument,
};
const documents: Documents = {
    "\n  mutation RefreshToken($refreshToken: String!) {\n    refreshToken(refreshToken: $refreshToken) {\n      tokens { accessToken accessTokenExpiresAt refreshToken }\n      errors { field code message }\n    }\n  }\n": types.RefreshTokenDocument,
    "\n  mutation ConsoleLogout($refreshToken: String!) {\n    logout(refreshToken: $refreshToken) { errors { field code message } }\n  }\n": types.ConsoleLogoutDocument,
    "\n  mutation ConsoleLogin($input: LoginInput!) {\n    login(input: $input) {\n      tokens { accessToken accessTokenExpiresAt refreshToken }\n      errors { field code message }\n    }\n  }\n": types.ConsoleLoginDocument,
    "\n  query AdminAuditLog($action: String, $actor: String, $since: DateTime, $until: DateTime, $after: String) {\n    auditLog(action: $action, actor: $actor, since: $since, until: $until, first: 20, after: $after) {\n      edges { node { id action actor targetType targetId before after createdAt } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": types.AdminAuditLogDocument,
    "\n  query AdminZone { county { timezone } }\n": types.AdminZoneDocument,
    "\n  query AdminUnits($after: String) {\n    orgUnits(first: 100, after: $after) {\n      edges { node { id name kind code parent { id } } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": types.AdminUnitsDocument,
    "\n  mutation AdminCreateUnit($input: CreateOrgUnitInput!) {\n    createOrgUnit(input: $input) { orgUnit { id name kind } errors { field code message } }\n  }\n": types.AdminCreateUnitDocument,
    "\n  query AdminOrgHead { streamEventPage(stream: \"org\", first: 1) { headSeq } }\n": types.AdminOrgHeadDocument,
    "\n  subscription AdminOrgEvents($after: Int) { events(stream: \"org\", after: $after) { seq type } }\n": types.AdminOrgEventsDocument,
    "\n  mutation AdminUpdateUnit($input: UpdateOrgUnitInput!) {\n    updateOrgUnit(input: $input) { orgUnit { id name code } errors { field code message } }\n  }\n": types.AdminUpdateUnitDocument,
    "\n  query AdminUsers($search: String, $role: Role, $after: String) {\n    users(search: $search, role: $role, first: 20, after: $after) {\n      edges { node { id displayName phone isActive memberships { id role orgUnit { id name } } } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": types.AdminUsersDocument,
    "\n  mutation AdminCreateUser($input: CreateUserInput!) {\n    createUser(input: $input) { user { id displayName } errors { field code message } }\n  }\n": types.AdminCreateUserDocument,
    "\n  mutation AdminGrantRole($input: GrantRoleInput!) {\n    grantRole(input: $input) { membership { id role } errors { field code message } }\n  }\n": types.AdminGrantRoleDocument,
    "\n  mutation AdminRevokeRole($membershipId: ID!) {\n    revokeRole(membershipId: $membershipId) { membership { id role } errors { field code message } }\n  }\n": types.AdminRevokeRoleDocument,
    "\n  mutation AdminSetUserActive($userId: ID!, $active: Boolean!) {\n    setUserActive(userId: $userId, active: $active) { user { id isActive } errors { field code message } }\n  }\n": types.AdminSetUserActiveDocument,
    "\n  query CountyRules {\n    countyRules {\n      key title value unit amount source overridden reason bindingMinimum belowBindingMinimum\n      defaultValue defaultUnit defaultAmount defaultSource note citation\n    }\n  }\n": types.CountyRulesDocument,
    "\n  mutation AdminSetRule($input: SetCountyRuleInput!) {\n    setCountyRule(input: $input) { rule { key amount } errors { field code message } }\n  }\n": types.AdminSetRuleDocument,
    "\n  mutation AdminResetRule($key: String!) {\n    resetCountyRule(key: $key) { rule { key amount } errors { field code message } }\n  }\n": types.AdminResetRuleDocument,
    "\n  query AdminVenues($orgUnitId: ID, $after: String) {\n    venues(orgUnitId: $orgUnitId, first: 20, after: $after) {\n      edges { node { id name level address orgUnit { id name kind } } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": types.AdminVenuesDocument,
    "\n  mutation AdminCreateVenue($input: CreateVenueInput!) {\n    createVenue(input: $input) { venue { id name } errors { field code message } }\n  }\n": types.AdminCreateVenueDocument,
    "\n  mutation AdminUpdateVenue($input: UpdateVenueInput!) {\n    updateVenue(input: $input) { venue { id name address } errors { field code message } }\n  }\n": types.AdminUpdateVenueDocument,
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
    "\n  query DecisionDetail($id: ID!) {\n    decision(id: $id) {\n      id title summary state currentStep decidedAt staffView stream leadUnitId coUnitIds\n      latestVersion { number note paragraphs { id label body opinionCount alternative } }\n      steps { step startedAt completedAt note responsibleIds documents { id name sha256 size createdAt } }\n      commentPeriods { opensOn closesOn rule shorteningReason }\n      opinions(first: 100) {\n        edges { node { id channel category body currentParagraphLabel anchorState outcome answer answeredAt createdAt } }\n      }\n      surveys { id title state opensOn closesOn report { summary } }\n      participationReport { sha256 opinions createdAt }\n      missingForDecision { field code message }\n    }\n  }\n": types.DecisionDetailDocument,
    "\n  query DecisionReportDocx($id: ID!) {\n    decision(id: $id) { participationReport { sha256 docxBase64 } }\n  }\n": types.DecisionReportDocxDocument,
    "\n  subscription DecisionEvents($stream: String!, $after: Int) {\n    events(stream: $stream, after: $after) { seq type at }\n  }\n": types.DecisionEventsDocument,
    "\n  query DecisionStreamHead($stream: String!) {\n    streamEventPage(stream: $stream, after: 0, first: 1) { headSeq }\n  }\n": types.DecisionStreamHeadDocument,
    "\n  mutation DecisionStartStep($decisionId: ID!, $step: DecisionStep!) {\n    startDecisionStep(decisionId: $decisionId, step: $step) { decision { id state currentStep } errors { field code message } }\n  }\n": types.DecisionStartStepDocument,
    "\n  mutation DecisionCompleteStep($decisionId: ID!, $step: DecisionStep!, $note: String) {\n    completeDecisionStep(decisionId: $decisionId, step: $step, note: $note) { decision { id state } errors { field code message } }\n  }\n": types.DecisionCompleteStepDocument,
    "\n  mutation DecisionStepPeople($decisionId: ID!, $step: DecisionStep!, $userIds: [ID!]!) {\n    setDecisionStepPeople(decisionId: $decisionId, step: $step, userIds: $userIds) { decision { id } errors { field code message } }\n  }\n": types.DecisionStepPeopleDocument,
    "\n  mutation DecisionAddDocument($input: AddDecisionDocumentInput!) {\n    addDecisionDocument(input: $input) { document { id name } errors { field code message } }\n  }\n": types.DecisionAddDocumentDocument,
    "\n  mutation DecisionAnswerOpinion($opinionId: ID!, $outcome: OpinionOutcome!, $reason: String) {\n    answerOpinion(opinionId: $opinionId, outcome: $outcome, reason: $reason) { opinion { id outcome } errors { field code message } }\n  }\n": types.DecisionAnswerOpinionDocument,
    "\n  mutation DecisionGenerateReport($decisionId: ID!) {\n    generateParticipationReport(decisionId: $decisionId) { report { id sha256 } errors { field code message } }\n  }\n": types.DecisionGenerateReportDocument,
    "\n  query DecisionHearings($after: String) {\n    hearings(first: 100, after: $after) {\n      edges {\n        node {\n          id kind state decisionId title place startsAt totalSeats algorithm algorithmVersion\n          quotas { category seats alternates }\n          publicRandomnessSource publicRandomness noticePublishedAt applicationsOpenedAt poolFrozenAt\n          poolHash drawnAt seed applicantCount\n          witnesses { id position name commitment committedAt secret revealedAt }\n          pool { poolId category probability outcome alternateRank }\n          sealedAt\n          applications { poolId }\n        }\n      }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": types.DecisionHearingsDocument,
    "\n  query DecisionList($after: String) {\n    decisions(first: 100, after: $after) {\n      edges {\n        node {\n          id title state currentStep createdAt decidedAt leadUnitId\n          missingForDecision { code }\n        }\n      }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": types.DecisionListDocument,
    "\n  query InboxCases($filter: CasesFilter, $first: Int, $after: String) {\n    cases(filter: $filter, first: $first, after: $after) {\n      edges {\n        node {\n          id number title kind channel state receivedAt dueOn dueProvisional overdue bounceCount\n          accountableUnit { id name }\n          handler { id name }\n          assignments { id role state signDueAt unit { id name } }\n          lastEvent { type at }\n        }\n      }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": types.InboxCasesDocument,
    "\n  query InboxCounts($unitId: ID!) {\n    caseInboxCounts(unitId: $unitId) { new toSign inHandling sentBack dueSoon overdue }\n  }\n": types.InboxCountsDocument,
    "\n  subscription InboxLive($unitId: ID!, $after: Int) {\n    caseInbox(unitId: $unitId, after: $after) { seq type at caseId number title state note }\n  }\n": types.InboxLiveDocument,
    "\n  query UnitMeetings($states: [MeetingState!], $after: String) {\n    meetings(states: $states, first: 100, after: $after) {\n      edges { node { id title kind mode state startsAt attendance hostUnit { id name } venue { name } } }\n      pageInfo { hasNextPage endCursor }\n    }\n    viewer { county { timezone } }\n  }\n": types.UnitMeetingsDocument,
    "\n  mutation ConsoleCreateMeeting($input: CreateMeetingInput!) {\n    createMeeting(input: $input) { meeting { id } errors { field code message } }\n  }\n": types.ConsoleCreateMeetingDocument,
    "\n  query MeetingRoomHead($stream: String!) {\n    streamEventPage(stream: $stream, after: 0, first: 1) { headSeq }\n  }\n": types.MeetingRoomHeadDocument,
    "\n  query MeetingRoom($id: ID!) {\n    node(id: $id) {\n      ... on Meeting {\n        id title kind mode state startsAt minutes sealedHash sealedAt attendance\n        hostUnit { id name }\n        venue { name }\n        agenda { id position title speakerName timer { status durationSeconds deadline remainingSeconds } }\n        polls { id question kind options maxChoices eligibility state counts totalVotes }\n        scoringSheets {\n          id title scale targets state minBallots results\n          turnout { eligible counted pending notCounted { userId name } }\n        }\n        speakingQueue { id userId state topic }\n        comments(first: 100) {\n          edges { node { id kind body authorId createdAt hidden hiddenReason approved answeredLive handedOverUnitId } }\n        }\n      }\n    }\n  }\n": types.MeetingRoomDocument,
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
    "\n  mutation RoomApproveComment($c: ID!) {\n    approveComment(commentId: $c) { comment { id approved } errors { field code message } }\n  }\n": types.RoomApproveCommentDocument,
    "\n  mutation RoomAnswer($c: ID!) { answerQuestion(commentId: $c) { comment { id } errors { field code message } } }\n": types.RoomAnswerDocument,
    "\n  mutation RoomSpeaking($r: ID!, $state: SpeakingState!) {\n    updateSpeakingRequest(requestId: $r, state: $state) { state errors { field code message } }\n  }\n": types.RoomSpeakingDocument,
    "\n  mutation RoomMinutes($m: ID!, $text: String!) { setMinutes(meetingId: $m, text: $text) { errors { field code message } } }\n": types.RoomMinutesDocument,
    "\n  mutation ParticipantLogin($input: LoginInput!) {\n    login(input: $input) {\n      tokens { accessToken accessTokenExpiresAt refreshToken }\n      errors { field code message }\n    }\n  }\n": types.ParticipantLoginDocument,
    "\n  mutation ParticipantSmsCode($phone: String!) {\n    requestSmsCode(phone: $phone) { sent errors { field code message } }\n  }\n": types.ParticipantSmsCodeDocument,
    "\n  mutation ParticipantSmsSignIn($phone: String!, $code: String!) {\n    signInWithSmsCode(phone: $phone, code: $code) {\n      tokens { accessToken accessTokenExpiresAt refreshToken }\n      errors { field code message }\n    }\n  }\n": types.ParticipantSmsSignInDocument,
    "\n  query ParticipantViewer {\n    viewer { user { id displayName verification } county { name slug timezone } }\n  }\n": types.ParticipantViewerDocument,
    "\n  query ParticipantCounty {\n    viewer { county { name slug timezone } }\n  }\n": types.ParticipantCountyDocument,
    "\n  query ParticipantCases($after: String) {\n    myCases(first: 20, after: $after) {\n      edges { node { id number title kind state effectiveState dueOn dueProvisional receivedAt } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": types.ParticipantCasesDocument,
    "\n  query ParticipantCase($id: ID!) {\n    node(id: $id) {\n      ... on Case {\n        id number title body kind state effectiveState receivedAt dueOn dueProvisional satisfaction ratingText\n        reopenCount closedDissatisfied stream\n        handler { name }\n        replies { id kind body createdAt }\n      }\n    }\n  }\n": types.ParticipantCaseDocument,
    "\n  query ParticipantCaseHistory($stream: String!, $after: Int) {\n    streamEventPage(stream: $stream, after: $after, first: 100) {\n      events { seq type at payload }\n      nextAfter hasMore headSeq\n    }\n  }\n": types.ParticipantCaseHistoryDocument,
    "\n  subscription ParticipantCaseEvents($stream: String!, $after: Int) {\n    events(stream: $stream, after: $after) { seq type at payload }\n  }\n": types.ParticipantCaseEventsDocument,
    "\n  mutation ParticipantRate($caseId: ID!, $satisfaction: Satisfaction!, $text: String) {\n    rateCase(caseId: $caseId, satisfaction: $satisfaction, text: $text) {\n      case { id state reopenCount } errors { field code message }\n    }\n  }\n": types.ParticipantRateDocument,
    "\n  mutation ParticipantRaiseCase($input: RaiseCaseInput!) {\n    raiseCase(input: $input) { number case { id } errors { field code message } }\n  }\n": types.ParticipantRaiseCaseDocument,
    "\n  query ParticipantMeetingHead($stream: String!) {\n    streamEventPage(stream: $stream, first: 1) { headSeq }\n  }\n": types.ParticipantMeetingHeadDocument,
    "\n  query ParticipantMeeting($id: ID!) {\n    node(id: $id) {\n      ... on Meeting {\n        id title kind mode state startsAt description attendance requiredVerification\n        venue { name }\n        agenda { id position title speakerName timer { status durationSeconds deadline remainingSeconds } }\n        polls { id question kind options maxChoices state counts totalVotes }\n        scoringSheets { id title scale targets state minBallots myBallot results }\n        speakingQueue { id state topic }\n        comments(first: 50) { edges { node { id kind body createdAt hidden answeredLive parentId } } }\n      }\n    }\n  }\n": types.ParticipantMeetingDocument,
    "\n  subscription ParticipantLive($meetingId: ID!, $after: Int) {\n    meetingLive(meetingId: $meetingId, after: $after) {\n      seq type at\n      data {\n        __typename\n        ... on TimerUpdate { agendaItemId status deadline remainingSeconds durationSeconds warning }\n        ... on PollTally { pollId counts totalVotes }\n        ... on CommentUpdate { change commentId kind body authorName parentId }\n        ... on QueueUpdate { queue { requestId name state topic } }\n        ... on MeetingStateChanged { state }\n        ... on ParticipantUpdate { change participants { role } }\n        ... on ScoringTurnout { sheetId }\n        ... on ResyncRequired { reason }\n      }\n    }\n  }\n": types.ParticipantLiveDocument,
    "\n  mutation ParticipantRegister($meetingId: ID!) {\n    registerForMeeting(meetingId: $meetingId) { errors { field code message } }\n  }\n": types.ParticipantRegisterDocument,
    "\n  mutation ParticipantCheckIn($meetingId: ID!) {\n    checkIn(meetingId: $meetingId) { errors { field code message } }\n  }\n": types.ParticipantCheckInDocument,
    "\n  mutation ParticipantVote($pollId: ID!, $choices: [Int!]!, $idempotencyKey: String!) {\n    castVote(pollId: $pollId, choices: $choices, idempotencyKey: $idempotencyKey) {\n      accepted duplicate errors { field code message }\n    }\n  }\n": types.ParticipantVoteDocument,
    "\n  mutation ParticipantScore($sheetId: ID!, $answers: [String!]!) {\n    castScoringBallot(sheetId: $sheetId, answers: $answers) { accepted status errors { field code message } }\n  }\n": types.ParticipantScoreDocument,
    "\n  mutation ParticipantComment($meetingId: ID!, $body: String!, $kind: CommentKind!) {\n    postComment(meetingId: $meetingId, body: $body, kind: $kind) {\n      comment { id kind body createdAt hidden answeredLive parentId }\n      errors { field code message }\n    }\n  }\n": types.ParticipantCommentDocument,
    "\n  mutation ParticipantRaiseHand($meetingId: ID!, $topic: String) {\n    raiseHand(meetingId: $meetingId, topic: $topic) { requestId state errors { field code message } }\n  }\n": types.ParticipantRaiseHandDocument,
    "\n  mutation ParticipantLowerHand($requestId: ID!) {\n    updateSpeakingRequest(requestId: $requestId, state: WITHDRAWN) { requestId state errors { field code message } }\n  }\n": types.ParticipantLowerHandDocument,
    "\n  query ParticipantMeetings {\n    meetings(states: [LIVE, ANNOUNCED], first: 50) {\n      edges { node { id title kind mode state startsAt venue { name } } }\n    }\n  }\n": types.ParticipantMeetingsDocument,
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
export function graphql(source: "\n  query AdminAuditLog($action: String, $actor: String, $since: DateTime, $until: DateTime, $after: String) {\n    auditLog(action: $action, actor: $actor, since: $since, until: $until, first: 20, after: $after) {\n      edges { node { id action actor targetType targetId before after createdAt } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"): (typeof documents)["\n  query AdminAuditLog($action: String, $actor: String, $since: DateTime, $until: DateTime, $after: String) {\n    auditLog(action: $action, actor: $actor, since: $since, until: $until, first: 20, after: $after) {\n      edges { node { id action actor targetType targetId before after createdAt } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminZone { county { timezone } }\n"): (typeof documents)["\n  query AdminZone { county { timezone } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminUnits($after: String) {\n    orgUnits(first: 100, after: $after) {\n      edges { node { id name kind code parent { id } } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"): (typeof documents)["\n  query AdminUnits($after: String) {\n    orgUnits(first: 100, after: $after) {\n      edges { node { id name kind code parent { id } } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminCreateUnit($input: CreateOrgUnitInput!) {\n    createOrgUnit(input: $input) { orgUnit { id name kind } errors { field code message } }\n  }\n"): (typeof documents)["\n  mutation AdminCreateUnit($input: CreateOrgUnitInput!) {\n    createOrgUnit(input: $input) { orgUnit { id name kind } errors { field code message } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminOrgHead { streamEventPage(stream: \"org\", first: 1) { headSeq } }\n"): (typeof documents)["\n  query AdminOrgHead { streamEventPage(stream: \"org\", first: 1) { headSeq } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription AdminOrgEvents($after: Int) { events(stream: \"org\", after: $after) { seq type } }\n"): (typeof documents)["\n  subscription AdminOrgEvents($after: Int) { events(stream: \"org\", after: $after) { seq type } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminUpdateUnit($input: UpdateOrgUnitInput!) {\n    updateOrgUnit(input: $input) { orgUnit { id name code } errors { field code message } }\n  }\n"): (typeof documents)["\n  mutation AdminUpdateUnit($input: UpdateOrgUnitInput!) {\n    updateOrgUnit(input: $input) { orgUnit { id name code } errors { field code message } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminUsers($search: String, $role: Role, $after: String) {\n    users(search: $search, role: $role, first: 20, after: $after) {\n      edges { node { id displayName phone isActive memberships { id role orgUnit { id name } } } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"): (typeof documents)["\n  query AdminUsers($search: String, $role: Role, $after: String) {\n    users(search: $search, role: $role, first: 20, after: $after) {\n      edges { node { id displayName phone isActive memberships { id role orgUnit { id name } } } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminCreateUser($input: CreateUserInput!) {\n    createUser(input: $input) { user { id displayName } errors { field code message } }\n  }\n"): (typeof documents)["\n  mutation AdminCreateUser($input: CreateUserInput!) {\n    createUser(input: $input) { user { id displayName } errors { field code message } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminGrantRole($input: GrantRoleInput!) {\n    grantRole(input: $input) { membership { id role } errors { field code message } }\n  }\n"): (typeof documents)["\n  mutation AdminGrantRole($input: GrantRoleInput!) {\n    grantRole(input: $input) { membership { id role } errors { field code message } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminRevokeRole($membershipId: ID!) {\n    revokeRole(membershipId: $membershipId) { membership { id role } errors { field code message } }\n  }\n"): (typeof documents)["\n  mutation AdminRevokeRole($membershipId: ID!) {\n    revokeRole(membershipId: $membershipId) { membership { id role } errors { field code message } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminSetUserActive($userId: ID!, $active: Boolean!) {\n    setUserActive(userId: $userId, active: $active) { user { id isActive } errors { field code message } }\n  }\n"): (typeof documents)["\n  mutation AdminSetUserActive($userId: ID!, $active: Boolean!) {\n    setUserActive(userId: $userId, active: $active) { user { id isActive } errors { field code message } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CountyRules {\n    countyRules {\n      key title value unit amount source overridden reason bindingMinimum belowBindingMinimum\n      defaultValue defaultUnit defaultAmount defaultSource note citation\n    }\n  }\n"): (typeof documents)["\n  query CountyRules {\n    countyRules {\n      key title value unit amount source overridden reason bindingMinimum belowBindingMinimum\n      defaultValue defaultUnit defaultAmount defaultSource note citation\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminSetRule($input: SetCountyRuleInput!) {\n    setCountyRule(input: $input) { rule { key amount } errors { field code message } }\n  }\n"): (typeof documents)["\n  mutation AdminSetRule($input: SetCountyRuleInput!) {\n    setCountyRule(input: $input) { rule { key amount } errors { field code message } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminResetRule($key: String!) {\n    resetCountyRule(key: $key) { rule { key amount } errors { field code message } }\n  }\n"): (typeof documents)["\n  mutation AdminResetRule($key: String!) {\n    resetCountyRule(key: $key) { rule { key amount } errors { field code message } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminVenues($orgUnitId: ID, $after: String) {\n    venues(orgUnitId: $orgUnitId, first: 20, after: $after) {\n      edges { node { id name level address orgUnit { id name kind } } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"): (typeof documents)["\n  query AdminVenues($orgUnitId: ID, $after: String) {\n    venues(orgUnitId: $orgUnitId, first: 20, after: $after) {\n      edges { node { id name level address orgUnit { id name kind } } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminCreateVenue($input: CreateVenueInput!) {\n    createVenue(input: $input) { venue { id name } errors { field code message } }\n  }\n"): (typeof documents)["\n  mutation AdminCreateVenue($input: CreateVenueInput!) {\n    createVenue(input: $input) { venue { id name } errors { field code message } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminUpdateVenue($input: UpdateVenueInput!) {\n    updateVenue(input: $input) { venue { id name address } errors { field code message } }\n  }\n"): (typeof documents)["\n  mutation AdminUpdateVenue($input: UpdateVenueInput!) {\n    updateVenue(input: $input) { venue { id name address } errors { field code message } }\n  }\n"];
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
export function graphql(source: "\n  query DecisionDetail($id: ID!) {\n    decision(id: $id) {\n      id title summary state currentStep decidedAt staffView stream leadUnitId coUnitIds\n      latestVersion { number note paragraphs { id label body opinionCount alternative } }\n      steps { step startedAt completedAt note responsibleIds documents { id name sha256 size createdAt } }\n      commentPeriods { opensOn closesOn rule shorteningReason }\n      opinions(first: 100) {\n        edges { node { id channel category body currentParagraphLabel anchorState outcome answer answeredAt createdAt } }\n      }\n      surveys { id title state opensOn closesOn report { summary } }\n      participationReport { sha256 opinions createdAt }\n      missingForDecision { field code message }\n    }\n  }\n"): (typeof documents)["\n  query DecisionDetail($id: ID!) {\n    decision(id: $id) {\n      id title summary state currentStep decidedAt staffView stream leadUnitId coUnitIds\n      latestVersion { number note paragraphs { id label body opinionCount alternative } }\n      steps { step startedAt completedAt note responsibleIds documents { id name sha256 size createdAt } }\n      commentPeriods { opensOn closesOn rule shorteningReason }\n      opinions(first: 100) {\n        edges { node { id channel category body currentParagraphLabel anchorState outcome answer answeredAt createdAt } }\n      }\n      surveys { id title state opensOn closesOn report { summary } }\n      participationReport { sha256 opinions createdAt }\n      missingForDecision { field code message }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DecisionReportDocx($id: ID!) {\n    decision(id: $id) { participationReport { sha256 docxBase64 } }\n  }\n"): (typeof documents)["\n  query DecisionReportDocx($id: ID!) {\n    decision(id: $id) { participationReport { sha256 docxBase64 } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription DecisionEvents($stream: String!, $after: Int) {\n    events(stream: $stream, after: $after) { seq type at }\n  }\n"): (typeof documents)["\n  subscription DecisionEvents($stream: String!, $after: Int) {\n    events(stream: $stream, after: $after) { seq type at }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DecisionStreamHead($stream: String!) {\n    streamEventPage(stream: $stream, after: 0, first: 1) { headSeq }\n  }\n"): (typeof documents)["\n  query DecisionStreamHead($stream: String!) {\n    streamEventPage(stream: $stream, after: 0, first: 1) { headSeq }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DecisionStartStep($decisionId: ID!, $step: DecisionStep!) {\n    startDecisionStep(decisionId: $decisionId, step: $step) { decision { id state currentStep } errors { field code message } }\n  }\n"): (typeof documents)["\n  mutation DecisionStartStep($decisionId: ID!, $step: DecisionStep!) {\n    startDecisionStep(decisionId: $decisionId, step: $step) { decision { id state currentStep } errors { field code message } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DecisionCompleteStep($decisionId: ID!, $step: DecisionStep!, $note: String) {\n    completeDecisionStep(decisionId: $decisionId, step: $step, note: $note) { decision { id state } errors { field code message } }\n  }\n"): (typeof documents)["\n  mutation DecisionCompleteStep($decisionId: ID!, $step: DecisionStep!, $note: String) {\n    completeDecisionStep(decisionId: $decisionId, step: $step, note: $note) { decision { id state } errors { field code message } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DecisionStepPeople($decisionId: ID!, $step: DecisionStep!, $userIds: [ID!]!) {\n    setDecisionStepPeople(decisionId: $decisionId, step: $step, userIds: $userIds) { decision { id } errors { field code message } }\n  }\n"): (typeof documents)["\n  mutation DecisionStepPeople($decisionId: ID!, $step: DecisionStep!, $userIds: [ID!]!) {\n    setDecisionStepPeople(decisionId: $decisionId, step: $step, userIds: $userIds) { decision { id } errors { field code message } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DecisionAddDocument($input: AddDecisionDocumentInput!) {\n    addDecisionDocument(input: $input) { document { id name } errors { field code message } }\n  }\n"): (typeof documents)["\n  mutation DecisionAddDocument($input: AddDecisionDocumentInput!) {\n    addDecisionDocument(input: $input) { document { id name } errors { field code message } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DecisionAnswerOpinion($opinionId: ID!, $outcome: OpinionOutcome!, $reason: String) {\n    answerOpinion(opinionId: $opinionId, outcome: $outcome, reason: $reason) { opinion { id outcome } errors { field code message } }\n  }\n"): (typeof documents)["\n  mutation DecisionAnswerOpinion($opinionId: ID!, $outcome: OpinionOutcome!, $reason: String) {\n    answerOpinion(opinionId: $opinionId, outcome: $outcome, reason: $reason) { opinion { id outcome } errors { field code message } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DecisionGenerateReport($decisionId: ID!) {\n    generateParticipationReport(decisionId: $decisionId) { report { id sha256 } errors { field code message } }\n  }\n"): (typeof documents)["\n  mutation DecisionGenerateReport($decisionId: ID!) {\n    generateParticipationReport(decisionId: $decisionId) { report { id sha256 } errors { field code message } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DecisionHearings($after: String) {\n    hearings(first: 100, after: $after) {\n      edges {\n        node {\n          id kind state decisionId title place startsAt totalSeats algorithm algorithmVersion\n          quotas { category seats alternates }\n          publicRandomnessSource publicRandomness noticePublishedAt applicationsOpenedAt poolFrozenAt\n          poolHash drawnAt seed applicantCount\n          witnesses { id position name commitment committedAt secret revealedAt }\n          pool { poolId category probability outcome alternateRank }\n          sealedAt\n          applications { poolId }\n        }\n      }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"): (typeof documents)["\n  query DecisionHearings($after: String) {\n    hearings(first: 100, after: $after) {\n      edges {\n        node {\n          id kind state decisionId title place startsAt totalSeats algorithm algorithmVersion\n          quotas { category seats alternates }\n          publicRandomnessSource publicRandomness noticePublishedAt applicationsOpenedAt poolFrozenAt\n          poolHash drawnAt seed applicantCount\n          witnesses { id position name commitment committedAt secret revealedAt }\n          pool { poolId category probability outcome alternateRank }\n          sealedAt\n          applications { poolId }\n        }\n      }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DecisionList($after: String) {\n    decisions(first: 100, after: $after) {\n      edges {\n        node {\n          id title state currentStep createdAt decidedAt leadUnitId\n          missingForDecision { code }\n        }\n      }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"): (typeof documents)["\n  query DecisionList($after: String) {\n    decisions(first: 100, after: $after) {\n      edges {\n        node {\n          id title state currentStep createdAt decidedAt leadUnitId\n          missingForDecision { code }\n        }\n      }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query InboxCases($filter: CasesFilter, $first: Int, $after: String) {\n    cases(filter: $filter, first: $first, after: $after) {\n      edges {\n        node {\n          id number title kind channel state receivedAt dueOn dueProvisional overdue bounceCount\n          accountableUnit { id name }\n          handler { id name }\n          assignments { id role state signDueAt unit { id name } }\n          lastEvent { type at }\n        }\n      }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"): (typeof documents)["\n  query InboxCases($filter: CasesFilter, $first: Int, $after: String) {\n    cases(filter: $filter, first: $first, after: $after) {\n      edges {\n        node {\n          id number title kind channel state receivedAt dueOn dueProvisional overdue bounceCount\n          accountableUnit { id name }\n          handler { id name }\n          assignments { id role state signDueAt unit { id name } }\n          lastEvent { type at }\n        }\n      }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query InboxCounts($unitId: ID!) {\n    caseInboxCounts(unitId: $unitId) { new toSign inHandling sentBack dueSoon overdue }\n  }\n"): (typeof documents)["\n  query InboxCounts($unitId: ID!) {\n    caseInboxCounts(unitId: $unitId) { new toSign inHandling sentBack dueSoon overdue }\n  }\n"];
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
export function graphql(source: "\n  query MeetingRoom($id: ID!) {\n    node(id: $id) {\n      ... on Meeting {\n        id title kind mode state startsAt minutes sealedHash sealedAt attendance\n        hostUnit { id name }\n        venue { name }\n        agenda { id position title speakerName timer { status durationSeconds deadline remainingSeconds } }\n        polls { id question kind options maxChoices eligibility state counts totalVotes }\n        scoringSheets {\n          id title scale targets state minBallots results\n          turnout { eligible counted pending notCounted { userId name } }\n        }\n        speakingQueue { id userId state topic }\n        comments(first: 100) {\n          edges { node { id kind body authorId createdAt hidden hiddenReason approved answeredLive handedOverUnitId } }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query MeetingRoom($id: ID!) {\n    node(id: $id) {\n      ... on Meeting {\n        id title kind mode state startsAt minutes sealedHash sealedAt attendance\n        hostUnit { id name }\n        venue { name }\n        agenda { id position title speakerName timer { status durationSeconds deadline remainingSeconds } }\n        polls { id question kind options maxChoices eligibility state counts totalVotes }\n        scoringSheets {\n          id title scale targets state minBallots results\n          turnout { eligible counted pending notCounted { userId name } }\n        }\n        speakingQueue { id userId state topic }\n        comments(first: 100) {\n          edges { node { id kind body authorId createdAt hidden hiddenReason approved answeredLive handedOverUnitId } }\n        }\n      }\n    }\n  }\n"];
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
export function graphql(source: "\n  mutation RoomApproveComment($c: ID!) {\n    approveComment(commentId: $c) { comment { id approved } errors { field code message } }\n  }\n"): (typeof documents)["\n  mutation RoomApproveComment($c: ID!) {\n    approveComment(commentId: $c) { comment { id approved } errors { field code message } }\n  }\n"];
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
export function graphql(source: "\n  mutation ParticipantLogin($input: LoginInput!) {\n    login(input: $input) {\n      tokens { accessToken accessTokenExpiresAt refreshToken }\n      errors { field code message }\n    }\n  }\n"): (typeof documents)["\n  mutation ParticipantLogin($input: LoginInput!) {\n    login(input: $input) {\n      tokens { accessToken accessTokenExpiresAt refreshToken }\n      errors { field code message }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ParticipantSmsCode($phone: String!) {\n    requestSmsCode(phone: $phone) { sent errors { field code message } }\n  }\n"): (typeof documents)["\n  mutation ParticipantSmsCode($phone: String!) {\n    requestSmsCode(phone: $phone) { sent errors { field code message } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ParticipantSmsSignIn($phone: String!, $code: String!) {\n    signInWithSmsCode(phone: $phone, code: $code) {\n      tokens { accessToken accessTokenExpiresAt refreshToken }\n      errors { field code message }\n    }\n  }\n"): (typeof documents)["\n  mutation ParticipantSmsSignIn($phone: String!, $code: String!) {\n    signInWithSmsCode(phone: $phone, code: $code) {\n      tokens { accessToken accessTokenExpiresAt refreshToken }\n      errors { field code message }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ParticipantViewer {\n    viewer { user { id displayName verification } county { name slug timezone } }\n  }\n"): (typeof documents)["\n  query ParticipantViewer {\n    viewer { user { id displayName verification } county { name slug timezone } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ParticipantCounty {\n    viewer { county { name slug timezone } }\n  }\n"): (typeof documents)["\n  query ParticipantCounty {\n    viewer { county { name slug timezone } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ParticipantCases($after: String) {\n    myCases(first: 20, after: $after) {\n      edges { node { id number title kind state effectiveState dueOn dueProvisional receivedAt } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"): (typeof documents)["\n  query ParticipantCases($after: String) {\n    myCases(first: 20, after: $after) {\n      edges { node { id number title kind state effectiveState dueOn dueProvisional receivedAt } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ParticipantCase($id: ID!) {\n    node(id: $id) {\n      ... on Case {\n        id number title body kind state effectiveState receivedAt dueOn dueProvisional satisfaction ratingText\n        reopenCount closedDissatisfied stream\n        handler { name }\n        replies { id kind body createdAt }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ParticipantCase($id: ID!) {\n    node(id: $id) {\n      ... on Case {\n        id number title body kind state effectiveState receivedAt dueOn dueProvisional satisfaction ratingText\n        reopenCount closedDissatisfied stream\n        handler { name }\n        replies { id kind body createdAt }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ParticipantCaseHistory($stream: String!, $after: Int) {\n    streamEventPage(stream: $stream, after: $after, first: 100) {\n      events { seq type at payload }\n      nextAfter hasMore headSeq\n    }\n  }\n"): (typeof documents)["\n  query ParticipantCaseHistory($stream: String!, $after: Int) {\n    streamEventPage(stream: $stream, after: $after, first: 100) {\n      events { seq type at payload }\n      nextAfter hasMore headSeq\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ParticipantCaseEvents($stream: String!, $after: Int) {\n    events(stream: $stream, after: $after) { seq type at payload }\n  }\n"): (typeof documents)["\n  subscription ParticipantCaseEvents($stream: String!, $after: Int) {\n    events(stream: $stream, after: $after) { seq type at payload }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ParticipantRate($caseId: ID!, $satisfaction: Satisfaction!, $text: String) {\n    rateCase(caseId: $caseId, satisfaction: $satisfaction, text: $text) {\n      case { id state reopenCount } errors { field code message }\n    }\n  }\n"): (typeof documents)["\n  mutation ParticipantRate($caseId: ID!, $satisfaction: Satisfaction!, $text: String) {\n    rateCase(caseId: $caseId, satisfaction: $satisfaction, text: $text) {\n      case { id state reopenCount } errors { field code message }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ParticipantRaiseCase($input: RaiseCaseInput!) {\n    raiseCase(input: $input) { number case { id } errors { field code message } }\n  }\n"): (typeof documents)["\n  mutation ParticipantRaiseCase($input: RaiseCaseInput!) {\n    raiseCase(input: $input) { number case { id } errors { field code message } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ParticipantMeetingHead($stream: String!) {\n    streamEventPage(stream: $stream, first: 1) { headSeq }\n  }\n"): (typeof documents)["\n  query ParticipantMeetingHead($stream: String!) {\n    streamEventPage(stream: $stream, first: 1) { headSeq }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ParticipantMeeting($id: ID!) {\n    node(id: $id) {\n      ... on Meeting {\n        id title kind mode state startsAt description attendance requiredVerification\n        venue { name }\n        agenda { id position title speakerName timer { status durationSeconds deadline remainingSeconds } }\n        polls { id question kind options maxChoices state counts totalVotes }\n        scoringSheets { id title scale targets state minBallots myBallot results }\n        speakingQueue { id state topic }\n        comments(first: 50) { edges { node { id kind body createdAt hidden answeredLive parentId } } }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ParticipantMeeting($id: ID!) {\n    node(id: $id) {\n      ... on Meeting {\n        id title kind mode state startsAt description attendance requiredVerification\n        venue { name }\n        agenda { id position title speakerName timer { status durationSeconds deadline remainingSeconds } }\n        polls { id question kind options maxChoices state counts totalVotes }\n        scoringSheets { id title scale targets state minBallots myBallot results }\n        speakingQueue { id state topic }\n        comments(first: 50) { edges { node { id kind body createdAt hidden answeredLive parentId } } }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ParticipantLive($meetingId: ID!, $after: Int) {\n    meetingLive(meetingId: $meetingId, after: $after) {\n      seq type at\n      data {\n        __typename\n        ... on TimerUpdate { agendaItemId status deadline remainingSeconds durationSeconds warning }\n        ... on PollTally { pollId counts totalVotes }\n        ... on CommentUpdate { change commentId kind body authorName parentId }\n        ... on QueueUpdate { queue { requestId name state topic } }\n        ... on MeetingStateChanged { state }\n        ... on ParticipantUpdate { change participants { role } }\n        ... on ScoringTurnout { sheetId }\n        ... on ResyncRequired { reason }\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription ParticipantLive($meetingId: ID!, $after: Int) {\n    meetingLive(meetingId: $meetingId, after: $after) {\n      seq type at\n      data {\n        __typename\n        ... on TimerUpdate { agendaItemId status deadline remainingSeconds durationSeconds warning }\n        ... on PollTally { pollId counts totalVotes }\n        ... on CommentUpdate { change commentId kind body authorName parentId }\n        ... on QueueUpdate { queue { requestId name state topic } }\n        ... on MeetingStateChanged { state }\n        ... on ParticipantUpdate { change participants { role } }\n        ... on ScoringTurnout { sheetId }\n        ... on ResyncRequired { reason }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ParticipantRegister($meetingId: ID!) {\n    registerForMeeting(meetingId: $meetingId) { errors { field code message } }\n  }\n"): (typeof documents)["\n  mutation ParticipantRegister($meetingId: ID!) {\n    registerForMeeting(meetingId: $meetingId) { errors { field code message } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ParticipantCheckIn($meetingId: ID!) {\n    checkIn(meetingId: $meetingId) { errors { field code message } }\n  }\n"): (typeof documents)["\n  mutation ParticipantCheckIn($meetingId: ID!) {\n    checkIn(meetingId: $meetingId) { errors { field code message } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ParticipantVote($pollId: ID!, $choices: [Int!]!, $idempotencyKey: String!) {\n    castVote(pollId: $pollId, choices: $choices, idempotencyKey: $idempotencyKey) {\n      accepted duplicate errors { field code message }\n    }\n  }\n"): (typeof documents)["\n  mutation ParticipantVote($pollId: ID!, $choices: [Int!]!, $idempotencyKey: String!) {\n    castVote(pollId: $pollId, choices: $choices, idempotencyKey: $idempotencyKey) {\n      accepted duplicate errors { field code message }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ParticipantScore($sheetId: ID!, $answers: [String!]!) {\n    castScoringBallot(sheetId: $sheetId, answers: $answers) { accepted status errors { field code message } }\n  }\n"): (typeof documents)["\n  mutation ParticipantScore($sheetId: ID!, $answers: [String!]!) {\n    castScoringBallot(sheetId: $sheetId, answers: $answers) { accepted status errors { field code message } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ParticipantComment($meetingId: ID!, $body: String!, $kind: CommentKind!) {\n    postComment(meetingId: $meetingId, body: $body, kind: $kind) {\n      comment { id kind body createdAt hidden answeredLive parentId }\n      errors { field code message }\n    }\n  }\n"): (typeof documents)["\n  mutation ParticipantComment($meetingId: ID!, $body: String!, $kind: CommentKind!) {\n    postComment(meetingId: $meetingId, body: $body, kind: $kind) {\n      comment { id kind body createdAt hidden answeredLive parentId }\n      errors { field code message }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ParticipantRaiseHand($meetingId: ID!, $topic: String) {\n    raiseHand(meetingId: $meetingId, topic: $topic) { requestId state errors { field code message } }\n  }\n"): (typeof documents)["\n  mutation ParticipantRaiseHand($meetingId: ID!, $topic: String) {\n    raiseHand(meetingId: $meetingId, topic: $topic) { requestId state errors { field code message } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ParticipantLowerHand($requestId: ID!) {\n    updateSpeakingRequest(requestId: $requestId, state: WITHDRAWN) { requestId state errors { field code message } }\n  }\n"): (typeof documents)["\n  mutation ParticipantLowerHand($requestId: ID!) {\n    updateSpeakingRequest(requestId: $requestId, state: WITHDRAWN) { requestId state errors { field code message } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ParticipantMeetings {\n    meetings(states: [LIVE, ANNOUNCED], first: 50) {\n      edges { node { id title kind mode state startsAt venue { name } } }\n    }\n  }\n"): (typeof documents)["\n  query ParticipantMeetings {\n    meetings(states: [LIVE, ANNOUNCED], first: 50) {\n      edges { node { id title kind mode state startsAt venue { name } } }\n    }\n  }\n"];
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