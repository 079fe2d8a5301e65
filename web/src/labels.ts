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

export const label = (map: Record<string, string>, key: string | null | undefined): string =>
  key ? (map[key] ?? key) : "—";

// ---- meeting (会议主持台, web/src/pages/meeting/) ----------------------------------

export const MEETING_STATE: Record<string, string> = {
  DRAFT: "草稿",
  ANNOUNCED: "已公告",
  LIVE: "进行中",
  CLOSED: "已结束（记录已封存）",
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
