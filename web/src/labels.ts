// Chinese names of the API's enums and event types, as county staff say them.

export const STATE: Record<string, string> = {
  RECEIVED: "已受理",
  DISPATCHED: "已派单待签收",
  IN_PROGRESS: "办理中",
  ANSWERED: "已答复待评价",
  CLOSED: "已办结",
  OUT_OF_SCOPE: "不予受理",
  MERGED: "已合并",
};

export const KIND: Record<string, string> = { CONSULTATION: "咨询", SUGGESTION: "建议", DEMAND: "诉求" };

export const CHANNEL: Record<string, string> = {
  ONLINE: "网上",
  VENUE: "议事场所现场",
  COLLECTOR: "网格员代录",
  ONLINE_INQUIRY: "网络问政",
  MEETING: "会议转办",
  HOTLINE: "12345热线",
  IMPORT: "台账导入",
};

export const ROLE: Record<string, string> = { LEAD: "主办", CO: "协办", FOR_REFERENCE: "转阅件" };

export const ASSIGNMENT_STATE: Record<string, string> = {
  PENDING: "待签收",
  SIGNED: "已签收",
  RETURNED: "已退单",
  DONE: "已完成",
  WITHDRAWN: "已撤回",
};

export const REPLY_KIND: Record<string, string> = {
  INITIAL: "初步答复",
  RESULT: "办理结果",
  FOLLOW_UP: "回访",
  SUPERVISION: "督办意见",
  NOTE: "内部备注",
};

export const SATISFACTION: Record<string, string> = {
  SATISFIED: "满意",
  BASICALLY_SATISFIED: "基本满意",
  DISSATISFIED: "不满意",
};

export const MEMBER_ROLE: Record<string, string> = {
  TENANT_ADMIN: "县级管理员",
  DEPARTMENT_STAFF: "承办单位工作人员",
  MEDIATOR: "解事员",
  COLLECTOR: "民情收集员",
  OBSERVER: "民意观察员",
};

export const EVENT: Record<string, string> = {
  "case.received": "受理",
  "case.classified": "分类定级",
  "case.outOfScope": "不予受理",
  "case.dispatched": "派单",
  "case.signed": "签收",
  "case.returned": "退单",
  "case.redispatched": "重派",
  "case.escalated": "吹哨报到（转办）",
  "case.replied": "答复",
  "case.supervised": "督办",
  "case.followedUp": "回访",
  "case.answered": "已答复",
  "case.rated": "群众评价",
  "case.reopened": "重新办理",
  "case.closed": "办结",
  "case.merged": "合并",
  "case.published": "公开",
  "case.deadlineChanged": "办理时限调整",
  "case.reminded": "临期/超期提醒",
  "inbox.received": "新件",
  "inbox.dispatched": "新派单",
  "inbox.signed": "已签收",
  "inbox.returned": "退单",
  "inbox.escalated": "转办",
  "inbox.supervised": "督办",
  "inbox.reopened": "重新办理",
  "inbox.dueSoon": "临期",
  "inbox.overdue": "超期",
};

export const DIRECTION: Record<string, string> = {
  DOWN: "下派到下级单位",
  UP: "上报上级单位",
  COUNTY: "提请县级协调",
};

// ---- participant pages (群众端) ----
export const MEETING_STATE: Record<string, string> = {
  DRAFT: "草稿",
  ANNOUNCED: "即将召开",
  LIVE: "正在进行",
  CLOSED: "已结束",
  RECORD_PUBLISHED: "记录已公开",
};

export const MEETING_KIND: Record<string, string> = {
  CONSULTATION_TALK: "民意恳谈会",
  WORK_REPORT: "述职报告会",
  THEMATIC_CONSULTATION: "专题协商会",
  FORUM: "座谈会",
  HEARING: "听证会",
  SITUATION_BRIEFING: "形势通报会",
  COUNTERPART_CONSULTATION: "对口协商",
  ONLINE_INQUIRY: "网络问政",
  VIDEO_MEETING: "云视频会议",
};

export const BALLOT_STATUS: Record<string, string> = {
  NOT_CAST: "未提交",
  PENDING: "待成批计入",
  COUNTED: "已计入",
  WITHHELD: "参评人数不足，未计入",
};
// ---- end of participant pages ----

export const label = (map: Record<string, string>, key: string | null | undefined): string =>
  key ? (map[key] ?? key) : "—";

// ---- decision: 重大行政决策跟踪 (web/src/pages/decision/) ----------------------------------

export const DECISION_STATE: Record<string, string> = {
  DRAFTING: "起草中",
  IN_PROGRESS: "推进中",
  DECIDED: "已决策",
};

export const DECISION_STEP: Record<string, string> = {
  PUBLIC_PARTICIPATION: "公众参与",
  EXPERT_REVIEW: "专家论证",
  RISK_ASSESSMENT: "风险评估",
  LEGALITY_REVIEW: "合法性审查",
  COLLECTIVE_DECISION: "集体讨论决定",
};

export const OPINION_OUTCOME: Record<string, string> = {
  ADOPTED: "采纳",
  PARTLY_ADOPTED: "部分采纳",
  NOT_ADOPTED: "不予采纳",
};

export const OPINION_CHANNEL: Record<string, string> = {
  ONLINE: "网上留言",
  MEETING: "会议意见",
  WRITTEN: "书面来信",
  UNIT_CONSULTATION: "单位书面征询",
};

export const HEARING_STATE: Record<string, string> = {
  DRAFT: "草稿",
  NOTICED: "已发布听证公告",
  APPLICATIONS_OPEN: "报名中",
  POOL_FROZEN: "报名截止（名单已冻结）",
  DRAWN: "已抽选",
  REPORTED: "已形成听证报告",
};

export const HEARING_CATEGORY: Record<string, string> = {
  STAKEHOLDER: "利害关系人",
  PUBLIC: "社会公众",
  RESIDENT: "居民代表",
  EXPERT: "专家学者",
  DEPUTY: "人大代表、政协委员",
  LEGAL: "法律工作者",
  OTHER: "其他",
};

export const DRAW_OUTCOME: Record<string, string> = {
  SELECTED: "选中",
  ALTERNATE: "候补",
  NOT_SELECTED: "未选中",
};

export const SURVEY_STATE: Record<string, string> = { DRAFT: "草稿", OPEN: "进行中", CLOSED: "已结束" };
// ---- administration (pages/admin) ----------------------------------------------------

export const ORG_KIND: Record<string, string> = {
  COUNTY: "县/区",
  TOWNSHIP: "乡镇",
  SUBDISTRICT: "街道",
  VILLAGE: "村",
  COMMUNITY: "社区",
  GRID: "网格",
  DEPARTMENT: "部门/单位",
};

/** The levels a unit may be added under each level (tenants.models.ALLOWED_PARENTS). */
export const CHILD_KINDS: Record<string, string[]> = {
  COUNTY: ["TOWNSHIP", "SUBDISTRICT", "DEPARTMENT"],
  TOWNSHIP: ["VILLAGE", "COMMUNITY", "DEPARTMENT"],
  SUBDISTRICT: ["VILLAGE", "COMMUNITY", "DEPARTMENT"],
  VILLAGE: ["GRID"],
  COMMUNITY: ["GRID"],
  GRID: [],
  DEPARTMENT: [],
};

export const VENUE_LEVEL: Record<string, string> = {
  CENTER: "说事中心（县）",
  OFFICE: "说事处（乡镇/街道）",
  STATION: "说事站（村/社区）",
  POINT: "说事点（网格）",
  ONLINE: "线上说事处",
};

export const ALL_ROLES: Record<string, string> = {
  TENANT_ADMIN: "县级管理员",
  DEPARTMENT_STAFF: "承办单位工作人员",
  MEDIATOR: "解事员",
  COLLECTOR: "民情收集员/网格员",
  NPC_DEPUTY: "人大代表",
  CPPCC_MEMBER: "政协委员",
  OBSERVER: "民意观察员",
  EXPERT: "专家",
  CITIZEN: "群众",
};

export const RULE_UNIT: Record<string, string> = {
  CALENDAR_DAYS: "日（自然日）",
  WORKING_DAYS: "工作日",
  SECONDS: "秒",
  COUNT: "个数/人数",
  CHARACTERS: "字",
};

export const AUDIT_ACTION: Record<string, string> = {
  "tenant.create": "开通本县",
  "orgUnit.create": "新增组织单元",
  "orgUnit.update": "修改组织单元",
  "venue.create": "新增说事场所",
  "venue.update": "修改说事场所",
  "user.create": "新建账号",
  "user.deactivate": "停用账号",
  "user.activate": "启用账号",
  "membership.grant": "授予角色",
  "membership.revoke": "撤销角色",
  "rule.set": "修改议事规则",
  "rule.reset": "恢复默认规则",
  "oidc.configure": "配置统一身份认证",
  "person.export": "导出个人信息",
  "person.erase": "注销个人账号",
  "calendar.closure.add": "新增本地停工日",
  "calendar.closure.remove": "删除本地停工日",
  "meeting.votingCodes.issue": "发放投票码",
  "meeting.votingCodes.revoke": "作废投票码",
  "representative.registered": "登记代表委员",
  "representative.placeLinked": "代表联系点挂钩",
  "representative.placeEnded": "代表联系点解除",
  announce: "发布公告",
};
// ---- meeting (会议主持台, web/src/pages/meeting/) ----------------------------------

/** A meeting's state as the host sees it (the participant pages say MEETING_STATE). */
export const HOST_MEETING_STATE: Record<string, string> = {
  DRAFT: "草稿",
  ANNOUNCED: "已公告",
  LIVE: "进行中",
  CLOSED: "已结束（记录已封存）",
  RECORD_PUBLISHED: "记录已公开",
};

export const MEETING_MODE: Record<string, string> = { IN_PERSON: "现场", ONLINE: "线上", HYBRID: "现场+线上" };

export const PARTICIPANT_ROLE: Record<string, string> = {
  HOST: "主持人",
  SPEAKER: "发言人",
  DEPUTY: "人大代表/政协委员",
  EXPERT: "专家",
  REPRESENTATIVE: "群众代表",
  ATTENDEE: "列席",
};

export const TIMER_STATUS: Record<string, string> = { IDLE: "未开始", RUNNING: "计时中", PAUSED: "已暂停", STOPPED: "已停止" };

export const POLL_STATE: Record<string, string> = { DRAFT: "未开始", OPEN: "表决中", CLOSED: "已结束" };

export const ELIGIBILITY: Record<string, string> = {
  ATTENDEES: "已签到人员",
  REGISTERED: "报名及受邀人员",
  REPRESENTATIVES: "代表委员",
};

export const SPEAKING_STATE: Record<string, string> = {
  WAITING: "排队中",
  SPEAKING: "发言中",
  DONE: "已发言",
  WITHDRAWN: "已撤回",
};

export const SCORING_SCALE: Record<string, string> = { SATISFACTION: "满意度（满意/基本满意/不满意）", SCORE_100: "百分制" };
