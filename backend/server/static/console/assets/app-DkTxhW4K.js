import{B as e,C as t,D as n,E as r,F as i,H as a,I as o,L as s,M as c,N as l,O as u,P as d,R as f,S as p,T as m,U as h,V as g,_,a as v,b as y,c as b,d as x,f as S,g as C,h as w,i as T,j as ee,k as E,l as te,m as D,n as O,o as k,p as A,r as j,s as ne,t as M,u as re,v as N,x as P,y as F,z as I}from"./index-CQ7DxyJA.js";var L=h(`
  query ParticipantCases($after: String) {
    myCases(first: 20, after: $after) {
      edges { node { id number title kind state effectiveState dueOn dueProvisional receivedAt } }
      pageInfo { hasNextPage endCursor }
    }
  }
`),R=h(`
  query ParticipantCase($id: ID!) {
    node(id: $id) {
      ... on Case {
        id number title body kind state effectiveState receivedAt dueOn dueProvisional satisfaction ratingText
        reopenCount closedDissatisfied stream
        handler { name }
        replies { id kind body createdAt }
      }
    }
  }
`),z=h(`
  query ParticipantCaseHistory($stream: String!, $after: Int) {
    streamEventPage(stream: $stream, after: $after, first: 100) {
      events { seq type at payload }
      nextAfter hasMore headSeq
    }
  }
`),B=h(`
  subscription ParticipantCaseEvents($stream: String!, $after: Int) {
    events(stream: $stream, after: $after) { seq type at payload }
  }
`),V=h(`
  mutation ParticipantRate($caseId: ID!, $satisfaction: Satisfaction!, $text: String) {
    rateCase(caseId: $caseId, satisfaction: $satisfaction, text: $text) {
      case { id state reopenCount } errors { field code message }
    }
  }
`),ie=h(`
  mutation ParticipantRaiseCase($input: RaiseCaseInput!) {
    raiseCase(input: $input) { number case { id } errors { field code message } }
  }
`),H=async e=>{document.title=`我的诉求 · 议事`;let t=r(`ul`,{class:`m-list`,id:`my-cases`}),n=r(`button`,{type:`button`,class:`secondary big`},`加载更多`);n.hidden=!0,m(e,r(`h1`,{},`我的诉求`),r(`p`,{},r(`a`,{class:`button big`,href:j(`/m/cases/new`)},`＋ 反映新的诉求或建议`)),t,n);let a=null;async function o(){let e=await i(L,{after:a});for(let{node:n}of e.myCases.edges)t.append(r(`li`,{},r(`a`,{class:`m-card`,href:j(`/m/cases/${encodeURIComponent(n.id)}`),"data-case":n.id},r(`span`,{class:`m-card-title`},n.title),r(`span`,{class:`meta`},b(n.effectiveState),` ${n.number} · ${_(S,n.kind)} · ${u(n.receivedAt)}`))));t.children.length||t.append(r(`li`,{class:`muted`},`您还没有反映过诉求。`)),a=e.myCases.pageInfo.endCursor??null,n.hidden=!e.myCases.pageInfo.hasNextPage,t.dataset.loaded=`1`}n.addEventListener(`click`,()=>void o()),await o()};function ae(e){let t=e.payload??{},n=[];return t.kind&&e.type===`case.replied`&&n.push(_(w,String(t.kind))),t.satisfaction&&n.push(_(C,String(t.satisfaction))),typeof t.text==`string`&&t.text&&n.push(t.text),n.join(` · `)}var oe=async(e,t)=>{let n=t.id,a=r(`div`,{class:`m-head`}),o=r(`section`,{class:`card`}),s=r(`section`,{class:`card`,id:`replies`,"aria-labelledby":`replies-title`}),l=r(`section`,{id:`rating`}),d=r(`ol`,{class:`history`,id:`history`,"aria-live":`polite`}),f=te();f.id=`case-status`,m(e,r(`p`,{},r(`a`,{href:j(`/m/cases`)},`← 我的诉求`)),a,f,o,s,l,r(`section`,{class:`card`,"aria-labelledby":`history-title`},r(`h2`,{id:`history-title`},`办理进度`),d));let h=[],g=``;function v(){m(d,...h.map(e=>r(`li`,{"data-type":e.type,"data-seq":String(e.seq)},r(`span`,{class:`when`},u(e.at)),` `,r(`strong`,{},_(x,e.type)),ae(e)?` · ${ae(e)}`:``)))}function y(e){let t=P([[``,`请选择`],[`SATISFIED`,`满意`],[`BASICALLY_SATISFIED`,`基本满意`],[`DISSATISFIED`,`不满意`]]),r=p({rows:`3`});return F({title:`评价办理结果`,submit:`提交评价`,className:`m-form rate-form`,fields:[N(`satisfaction`,`您对办理结果是否满意`,t),N(`text`,`理由（选不满意时必填）`,r,e.reopenCount?`已重新办理过一次，这次不满意将办结并标注。`:`选不满意将退回重新办理一次。`)],onSubmit:async()=>{if(!t.value)return[{field:`satisfaction`,message:`请选择满意程度`}];let e=(await c(V,{caseId:n,satisfaction:t.value,text:r.value.trim()||null})).rateCase;return e.errors.length?e.errors:(f.textContent=e.case?.state===`CLOSED`?`感谢评价，诉求已办结`:`已提交评价，诉求将重新办理`,await E(),[])}}).element}let T=0;async function E(){let t=++T,c=await i(R,{id:n});if(t!==T)return null;let d=c.node;if(!d||!(`number`in d))return m(e,r(`h1`,{},`诉求不存在或无权查看`),r(`a`,{href:j(`/m/cases`)},`返回我的诉求`)),null;document.title=`${d.number} ${d.title} · 议事`,m(a,r(`h1`,{},d.title),r(`p`,{class:`meta`},b(d.effectiveState),` ${d.number} `,ne(d.dueOn,d.dueProvisional))),m(o,r(`dl`,{class:`facts`},r(`dt`,{},`类型`),r(`dd`,{},_(S,d.kind)),r(`dt`,{},`内容`),r(`dd`,{},d.body),r(`dt`,{},`受理时间`),r(`dd`,{},u(d.receivedAt)),r(`dt`,{},`承办单位`),r(`dd`,{},d.handler?.name??`—`),r(`dt`,{},`我的评价`),r(`dd`,{id:`my-rating`},d.satisfaction?_(C,d.satisfaction)+(d.ratingText?`：${d.ratingText}`:``):`—`))),m(s,r(`h2`,{id:`replies-title`},`答复`),d.replies.length?r(`ol`,{class:`plain`},...d.replies.map(e=>r(`li`,{class:`m-reply`,"data-kind":e.kind},r(`strong`,{},_(w,e.kind)),r(`span`,{class:`muted`},` ${u(e.createdAt)}`),r(`p`,{},e.body)))):r(`p`,{class:`muted`},`还没有答复，承办单位办理后会在这里答复您。`));let f=d.effectiveState===`ANSWERED`?`rate/${d.reopenCount}`:`none`;return f!==g&&(g=f,m(l,f===`none`?null:y(d))),d}async function D(e,t){let n=t;for(;;){let t=(await i(z,{stream:e,after:n})).streamEventPage;for(let e of t.events)h.some(t=>t.seq===e.seq)||h.push(e);if(n=t.nextAfter,!t.hasMore)break}return v(),d.dataset.loaded=`1`,n}let O=await E();if(!O)return;let k=await D(O.stream,0),A,M=ee(B,{stream:O.stream,after:k},e=>e.events.seq,e=>{e.events.type===`stream.resync`?(h.splice(0),D(O.stream,0).then(E)):h.some(t=>t.seq===e.events.seq)||(h.push(e.events),v(),clearTimeout(A),A=window.setTimeout(()=>void E(),150))},e=>f.textContent=e);return()=>{M(),clearTimeout(A)}},se=async e=>{document.title=`反映诉求 · 议事`;let t=P([[`DEMAND`,`诉求（需要解决的问题）`],[`SUGGESTION`,`建议`],[`CONSULTATION`,`咨询`]]),n=y({autocomplete:`off`}),i=p({rows:`5`}),a=r(`input`,{type:`checkbox`,id:`m-private`}),o=F({title:`反映诉求或建议`,submit:`提交`,className:`m-form raise-case-form`,fields:[N(`kind`,`类型`,t),N(`title`,`标题`,n,`一句话说明，例如：村口路灯不亮`),N(`body`,`具体内容`,i)],extra:r(`div`,{class:`field m-check`},r(`label`,{for:`m-private`},a,` 只涉及我个人（不公开）`)),onSubmit:async()=>{let e=(await c(ie,{input:{channel:`ONLINE`,kind:t.value,title:n.value.trim(),body:i.value.trim(),isPrivate:a.checked,clientKey:crypto.randomUUID?.()??`${Date.now()}`}})).raiseCase;return e.errors.length||!e.case?e.errors:(await T(`/m/cases/${encodeURIComponent(e.case.id)}`),[])}});m(e,r(`p`,{},r(`a`,{href:j(`/m/cases`)},`← 我的诉求`)),r(`h1`,{},`反映诉求`),o.element),n.focus()},U=null;function W(){return U}function G(e){U=e}var ce=h(`
  query ParticipantMeetingHead($stream: String!) {
    streamEventPage(stream: $stream, first: 1) { headSeq }
  }
`),le=h(`
  query ParticipantMeeting($id: ID!) {
    node(id: $id) {
      ... on Meeting {
        id title kind mode state startsAt description attendance requiredVerification
        venue { name }
        agenda { id position title speakerName timer { status durationSeconds deadline remainingSeconds } }
        polls { id question kind options maxChoices state counts totalVotes }
        scoringSheets { id title scale targets state minBallots myBallot results }
        speakingQueue { id state topic }
        comments(first: 50) { edges { node { id kind body createdAt hidden answeredLive parentId } } }
      }
    }
  }
`),ue=h(`
  subscription ParticipantLive($meetingId: ID!, $after: Int) {
    meetingLive(meetingId: $meetingId, after: $after) {
      seq type at
      data {
        __typename
        ... on TimerUpdate { agendaItemId status deadline remainingSeconds durationSeconds warning }
        ... on PollTally { pollId counts totalVotes }
        ... on CommentUpdate { change commentId kind body authorName parentId }
        ... on QueueUpdate { queue { requestId name state topic } }
        ... on MeetingStateChanged { state }
        ... on ParticipantUpdate { change participants { role } }
        ... on ResyncRequired { reason }
      }
    }
  }
`),de=h(`
  mutation ParticipantRegister($meetingId: ID!) {
    registerForMeeting(meetingId: $meetingId) { errors { field code message } }
  }
`),fe=h(`
  mutation ParticipantCheckIn($meetingId: ID!) {
    checkIn(meetingId: $meetingId) { errors { field code message } }
  }
`),pe=h(`
  mutation ParticipantVote($pollId: ID!, $choices: [Int!]!, $idempotencyKey: String!) {
    castVote(pollId: $pollId, choices: $choices, idempotencyKey: $idempotencyKey) {
      accepted duplicate errors { field code message }
    }
  }
`),me=h(`
  mutation ParticipantScore($sheetId: ID!, $answers: [String!]!) {
    castScoringBallot(sheetId: $sheetId, answers: $answers) { accepted status errors { field code message } }
  }
`),he=h(`
  mutation ParticipantComment($meetingId: ID!, $body: String!, $kind: CommentKind!) {
    postComment(meetingId: $meetingId, body: $body, kind: $kind) {
      comment { id kind body createdAt hidden answeredLive parentId }
      errors { field code message }
    }
  }
`),ge=h(`
  mutation ParticipantRaiseHand($meetingId: ID!, $topic: String) {
    raiseHand(meetingId: $meetingId, topic: $topic) { requestId state errors { field code message } }
  }
`),_e=h(`
  mutation ParticipantLowerHand($requestId: ID!) {
    updateSpeakingRequest(requestId: $requestId, state: WITHDRAWN) { requestId state errors { field code message } }
  }
`),K=`yishi.m.joined`,ve=`yishi.m.hands`;function ye(){return new Set(JSON.parse(sessionStorage.getItem(K)??`[]`))}function be(e){sessionStorage.setItem(K,JSON.stringify([...ye(),e]))}function xe(){return new Set(JSON.parse(sessionStorage.getItem(ve)??`[]`))}function Se(e){sessionStorage.setItem(ve,JSON.stringify([...xe(),e]))}function Ce(){return crypto.randomUUID?.()??`${Date.now()}-${Math.random()}`}function we(e){let t=Math.max(0,Math.round(e));return`${String(Math.floor(t/60)).padStart(2,`0`)}:${String(t%60).padStart(2,`0`)}`}var Te={COMMENT:`留言`,QUESTION:`提问`},q=async(e,n)=>{let a=n.id,o=W(),s=r(`div`,{class:`m-head`}),d=r(`section`,{class:`card`,id:`join-area`,"aria-label":`参加会议`}),f=r(`section`,{class:`card`,id:`agenda`,"aria-labelledby":`agenda-title`}),h=r(`section`,{id:`polls`,"aria-label":`表决`}),g=r(`section`,{id:`sheets`,"aria-label":`测评`}),v=r(`section`,{class:`card`,id:`hand`,"aria-labelledby":`hand-title`}),b=r(`section`,{class:`card`,id:`comments`,"aria-labelledby":`comments-title`}),x=te();x.id=`meeting-status`,m(e,r(`p`,{},r(`a`,{href:j(`/m/meetings`)},`← 全部会议`)),s,x,d,f,h,g,v,b);let S=null,C=ye().has(a),w=[],T=[],E=new Map,O=new Map,k=``;function ne(e){document.title=`${e.title} · 议事`,m(s,r(`h1`,{},e.title),r(`p`,{class:`meta`},r(`span`,{class:`badge meeting-${e.state.toLowerCase()}`,id:`meeting-state`},_(D,e.state)),` ${_(A,e.kind)} · ${u(e.startsAt)}`,e.venue?` · ${e.venue.name}`:``,` · 已签到 ${e.attendance} 人`))}function M(){if(!o){m(d,r(`p`,{},`您正在以游客身份观看。投票、测评、留言和举手发言需要登录。`),r(`a`,{class:`button big`,href:j(`/m/signin`)},`登录后参加`));return}if(C){m(d,r(`p`,{id:`joined`},`✓ 您已加入本次会议（已签到）。`));return}let e=F({title:`加入会议`,submit:`加入会议并签到`,className:`m-form join-form`,fields:[],extra:r(`p`,{class:`hint`},`加入后即可投票、测评、留言和举手发言。`),onSubmit:async()=>{let e=(await c(de,{meetingId:a})).registerForMeeting.errors.filter(e=>e.code!==`ALREADY_REGISTERED`);if(e.length)return e;let t=await c(fe,{meetingId:a});return t.checkIn.errors.length?t.checkIn.errors:(be(a),C=!0,x.textContent=`已加入会议`,M(),[])}});m(d,e.element)}let I;function L(e){return e.agenda.find(e=>e.timer.status===`RUNNING`)??e.agenda.find(e=>e.timer.status===`PAUSED`)??[...e.agenda].reverse().find(e=>e.timer.status===`STOPPED`)??e.agenda[0]??null}let R=r(`p`,{class:`m-timer`,id:`timer`,role:`timer`,"aria-live":`off`});function z(){let e=S?L(S):null;m(f,r(`h2`,{id:`agenda-title`},`当前议程`)),e?(t(f,[r(`p`,{class:`m-item`,id:`current-item`},`${e.position}. ${e.title}`),e.speakerName?r(`p`,{},`发言人：${e.speakerName}`):null,R,k?r(`p`,{class:`error`,role:`alert`,id:`timer-warning`},k):null]),B()):f.append(r(`p`,{class:`muted`},`暂无议程`))}function B(){let e=S?L(S):null;if(!e)return;let t=e.timer,n=t.remainingSeconds??t.durationSeconds;t.status===`RUNNING`&&t.deadline&&(n=(new Date(t.deadline).getTime()-Date.now())/1e3);let r={IDLE:`未开始`,RUNNING:`发言中`,PAUSED:`已暂停`,STOPPED:`已结束`}[t.status]??t.status;R.textContent=`${r} · 剩余 ${we(n)}（共 ${we(t.durationSeconds)}）`,R.dataset.status=t.status}function V(e,t){let n=e.totalVotes||0;m(t,r(`p`,{class:`m-total`,"data-total":String(n)},`已投 ${n} 票`),r(`ul`,{class:`m-tally`},...e.options.map((t,i)=>r(`li`,{},r(`span`,{},t),r(`meter`,{min:`0`,max:String(Math.max(n,1)),value:String(e.counts[i]??0),"aria-label":`${t} 票数`}),r(`span`,{class:`count`,"data-option":String(i)},`${e.counts[i]??0} 票`)))))}function ie(e){let t=r(`div`,{class:`m-tally-box`,"aria-live":`polite`});V(e,t);let n=r(`p`,{class:`status`,role:`status`}),i=r(`article`,{class:`card m-poll`,"data-poll":e.id,"data-state":e.state},r(`h2`,{},e.state===`OPEN`?`表决进行中`:`表决结果`),r(`p`,{class:`m-question`},e.question));if(e.state===`OPEN`&&o){let t=e.kind===`MULTIPLE`,a=`poll-${e.id}`,o=e.options.map((e,n)=>r(`label`,{class:`m-choice`},r(`input`,{type:t?`checkbox`:`radio`,name:a,value:String(n)}),r(`span`,{},e))),s=F({title:t?`请选择（最多 ${e.maxChoices} 项）`:`请选择一项`,submit:`投票`,className:`m-form vote-form`,fields:[],extra:r(`fieldset`,{class:`m-choices`},r(`legend`,{class:`sr-only`},e.question),...o),onSubmit:async()=>{let t=o.flatMap((e,t)=>e.querySelector(`input`).checked?[t]:[]);if(!t.length)return[{field:`choices`,message:`请先选择`}];let r=(await c(pe,{pollId:e.id,choices:t,idempotencyKey:Ce()})).castVote;return r.errors.length?(n.textContent=``,r.errors):(n.textContent=`✓ 您的投票已记录`,[])}});i.append(s.element,n)}else e.state===`OPEN`&&i.append(r(`p`,{class:`muted`},`登录并加入会议后可以投票。`));return i.append(t),{card:i,tally:t}}function H(){if(!S)return;let e=S.polls.filter(e=>e.state!==`DRAFT`);for(let t of e){let e=`${t.state}`,n=E.get(t.id);if(n&&n.key===e){V(t,n.tally);continue}let r=ie(t);n?n.card.replaceWith(r.card):h.prepend(r.card),E.set(t.id,{key:e,...r})}}function ae(e,t,n){let r=S?.polls.find(t=>t.id===e);r&&(r.counts=t,r.totalVotes=n,H())}function oe(e){let t=r(`article`,{class:`card m-sheet`,"data-sheet":e.id,"data-state":e.state,"data-ballot":e.myBallot},r(`h2`,{},`测评：${e.title}`));if(e.state===`OPEN`&&o&&e.myBallot===`NOT_CAST`){let n=e.targets.map((t,n)=>e.scale===`SATISFACTION`?N(`answers.${n}`,t,P([[``,`请选择`],[`满意`,`满意`],[`基本满意`,`基本满意`],[`不满意`,`不满意`]])):N(`answers.${n}`,`${t}（0–100 分）`,y({type:`number`,inputmode:`numeric`,min:`0`,max:`100`}))),i=F({title:`匿名测评票`,submit:`提交测评票`,className:`m-form scoring-form`,fields:n,extra:r(`p`,{class:`hint`},`不记名：票数满 ${e.minBallots} 张后成批计入，提交后不能修改。`),onSubmit:async()=>{let t=n.map(e=>e.control.value.trim()),r=t.findIndex(e=>!e);if(r>=0)return[{field:`answers.${r}`,message:`请对每个测评对象作答`}];let i=await c(me,{sheetId:e.id,answers:t});if(i.castScoringBallot.errors.length)return i.castScoringBallot.errors;let a=S?.scoringSheets.find(t=>t.id===e.id);return a&&(a.myBallot=i.castScoringBallot.status??`PENDING`),x.textContent=`测评票已提交`,se(),[]}});t.append(i.element)}else if(e.state===`OPEN`&&o)t.append(r(`p`,{class:`m-ballot`,id:`ballot-${e.id}`},`✓ 已提交 · ${_(re,e.myBallot)}`));else if(e.state===`OPEN`)t.append(r(`p`,{class:`muted`},`登录并加入会议后可以测评。`));else{let n=e.results;t.append(r(`p`,{},n?.withheld?`参评人数不足，结果不公布。`:`测评已结束，结果见会议记录。`))}return t}function se(){if(S)for(let e of S.scoringSheets){let t=`${e.state}/${e.myBallot}`,n=O.get(e.id);if(n&&n.key===t)continue;let r=oe(e);n?n.card.replaceWith(r):g.prepend(r),O.set(e.id,{key:t,card:r})}}let U=r(`p`,{id:`hand-status`,role:`status`,"aria-live":`polite`,class:`m-hand-status`}),G=r(`div`,{}),K=``;function ve(){let e=xe();return w.find(t=>e.has(t.requestId)&&(t.state===`WAITING`||t.state===`SPEAKING`))??null}function q(){v.firstChild||m(v,r(`h2`,{id:`hand-title`},`举手发言`),U,G);let e=w.filter(e=>e.state===`WAITING`),t=w.find(e=>e.state===`SPEAKING`),n=ve();n?.state===`SPEAKING`?U.textContent=`主持人已请您发言，请开始发言。`:n?U.textContent=`您已举手，排在第 ${e.indexOf(n)+1} 位（共 ${e.length} 人等候）。`:U.textContent=`${t?`正在发言：${t.name??`一位参会人`}。`:``}等候发言 ${e.length} 人。`,U.dataset.state=n?.state??`NONE`;let i=o?n?`mine/${n.requestId}`:`none`:`anon`;if(i===K)return;if(K=i,!o){m(G);return}if(n){let e=F({title:`取消举手`,submit:`放下手（取消发言）`,className:`m-form lower-hand-form`,fields:[],onSubmit:async()=>{let e=await c(_e,{requestId:n.requestId});return e.updateSpeakingRequest.errors.length?e.updateSpeakingRequest.errors:(x.textContent=`已取消举手`,[])}});m(G,e.element);return}let s=y({autocomplete:`off`}),l=F({title:`我要发言`,submit:`举手`,className:`m-form raise-hand-form`,fields:[N(`topic`,`想说的事（可不填）`,s)],onSubmit:async()=>{let e=(await c(ge,{meetingId:a,topic:s.value.trim()||null})).raiseHand;return e.errors.length?e.errors:(e.requestId&&(Se(e.requestId),w.some(t=>t.requestId===e.requestId)||w.push({requestId:e.requestId,state:e.state??`WAITING`,topic:s.value})),x.textContent=`已举手，请等候主持人安排`,q(),[])}});m(G,l.element)}let Ee=r(`ol`,{class:`m-comments`,id:`comment-list`,"aria-live":`polite`}),De=!1;function Oe(){if(!De){De=!0;let e=p({rows:`3`}),t=r(`p`,{class:`hint`,"aria-live":`off`},`0 / 500 字`);e.addEventListener(`input`,()=>t.textContent=`${[...e.value].length} / 500 字`);let n=P([[`COMMENT`,`留言`],[`QUESTION`,`提问`]]),i=o?F({title:`发表留言或提问`,submit:`发送`,className:`m-form comment-form`,fields:[N(`kind`,`类型`,n),N(`body`,`内容`,e)],extra:t,onSubmit:async()=>{let r=(await c(he,{meetingId:a,body:e.value,kind:n.value})).postComment;return r.errors.length?r.errors:(r.comment&&ke(r.comment),e.value=``,t.textContent=`0 / 500 字`,x.textContent=`已发送`,[])}}):null;m(b,r(`h2`,{id:`comments-title`},`留言和提问`),i?i.element:r(`p`,{class:`muted`},`登录后可以留言。`),Ee)}m(Ee,T.length?T.map(e=>r(`li`,{"data-comment":e.id},r(`span`,{class:`badge`},Te[e.kind]??e.kind),e.answeredLive?r(`span`,{class:`badge`},`已现场答复`):null,` `,e.hidden?r(`span`,{class:`muted`},`（该留言已被隐藏）`):e.body,r(`span`,{class:`muted m-when`},u(e.createdAt)))):r(`li`,{class:`muted`},`还没有留言`))}function ke(e){T.some(t=>t.id===e.id)||(T.unshift(e),Oe())}let Ae=0;async function je(){let t=++Ae,n=await i(le,{id:a});if(t!==Ae)return;let o=n.node;!o||!(`title`in o)?m(e,r(`h1`,{},`会议不存在或无权查看`),r(`a`,{href:j(`/m/meetings`)},`返回会议列表`)):(S=o,w=o.speakingQueue.map(e=>({requestId:e.id,state:e.state,topic:e.topic})),T.splice(0,T.length,...o.comments.edges.map(e=>e.node)),ne(o),M(),z(),H(),se(),q(),Oe())}let J;function Y(){clearTimeout(J),J=window.setTimeout(()=>void je().catch(e=>x.textContent=String(e.message??e)),150)}function Me(e){let t=e.data;switch(t.__typename){case`TimerUpdate`:{let e=S?.agenda.find(e=>e.id===t.agendaItemId);e&&Object.assign(e.timer,{status:t.status,deadline:t.deadline,remainingSeconds:t.remainingSeconds,durationSeconds:t.durationSeconds}),k=t.warning===`ONE_MINUTE_LEFT`?`还剩 1 分钟`:t.warning===`TIME_UP`?`发言时间到`:t.status===`RUNNING`&&!t.warning?``:k,z();return}case`PollTally`:ae(t.pollId,t.counts,t.totalVotes);return;case`QueueUpdate`:w=t.queue.map(e=>({requestId:e.requestId,name:e.name,state:e.state,topic:e.topic})),q();return;case`CommentUpdate`:t.change===`POSTED`&&t.body!==null&&t.body!==void 0?ke({id:t.commentId,kind:t.kind??`COMMENT`,body:t.body,createdAt:e.at,hidden:!1,answeredLive:!1,parentId:t.parentId??null}):Y();return;case`ParticipantUpdate`:S&&t.change===`CHECKED_IN`&&(S.attendance+=t.participants.length,ne(S));return;default:Y()}}let X=null;try{let e=await i(ce,{stream:`meeting:${a}`});await je(),X=ee(ue,{meetingId:a,after:e.streamEventPage.headSeq},e=>e.meetingLive.seq,e=>Me(e.meetingLive),e=>x.textContent=e,e=>e.meetingLive.data.__typename===`PollTally`)}catch(e){x.textContent=e instanceof Error?e.message:String(e)}let Z=l(e=>e&&Y());return I=window.setInterval(B,1e3),e.dataset.live=`1`,()=>{X?.(),Z(),clearInterval(I),clearTimeout(J)}},Ee=h(`
  query ParticipantMeetings {
    meetings(states: [LIVE, ANNOUNCED], first: 50) {
      edges { node { id title kind mode state startsAt venue { name } } }
    }
  }
`),De=async e=>{document.title=`会议 · 议事`;let t=r(`ul`,{class:`m-list`,id:`meeting-list`}),n=y({inputmode:`url`,autocomplete:`off`,spellcheck:`false`}),a=F({title:`通过链接加入会议`,submit:`打开会议`,className:`m-form join-link-form`,fields:[N(`link`,`会议链接`,n,`粘贴收到的会议链接`)],onSubmit:async()=>{let e=/\/m\/meetings\/([^/?#]+)/.exec(n.value.trim());return e?(await T(`/m/meetings/${e[1]}`),[]):[{field:`link`,message:`这不是会议链接，请检查后重新粘贴`}]}});m(e,r(`h1`,{},`会议`),r(`section`,{"aria-label":`正在进行和即将召开的会议`},t),a.element);let o=await i(Ee,{}),s=ye(),c=[...o.meetings.edges].sort((e,t)=>Number(s.has(t.node.id))-Number(s.has(e.node.id))||Number(t.node.state===`LIVE`)-Number(e.node.state===`LIVE`));m(t,c.length?c.map(({node:e})=>r(`li`,{},r(`a`,{class:`m-card`,href:j(`/m/meetings/${encodeURIComponent(e.id)}`),"data-meeting":e.id},r(`span`,{class:`m-card-title`},e.title),r(`span`,{class:`meta`},r(`span`,{class:`badge meeting-${e.state.toLowerCase()}`},_(D,e.state)),s.has(e.id)?r(`span`,{class:`badge`},`已加入`):null,` ${_(A,e.kind)} · ${u(e.startsAt)}`,e.venue?` · ${e.venue.name}`:``)))):r(`li`,{class:`muted`},`现在没有正在进行或即将召开的会议。`)),t.dataset.loaded=`1`},Oe=h(`
  mutation ParticipantLogin($input: LoginInput!) {
    login(input: $input) {
      tokens { accessToken accessTokenExpiresAt refreshToken }
      errors { field code message }
    }
  }
`),ke=h(`
  mutation ParticipantSmsCode($phone: String!) {
    requestSmsCode(phone: $phone) { sent errors { field code message } }
  }
`),Ae=h(`
  mutation ParticipantSmsSignIn($phone: String!, $code: String!) {
    signInWithSmsCode(phone: $phone, code: $code) {
      tokens { accessToken accessTokenExpiresAt refreshToken }
      errors { field code message }
    }
  }
`),je=h(`
  query ParticipantViewer {
    viewer { user { id displayName verification } county { name slug timezone } }
  }
`),J=h(`
  query ParticipantCounty {
    viewer { county { name slug timezone } }
  }
`),Y=`yishi.m.return`;function Me(){return location.pathname.slice(M.length)+location.search}var X,Z,Q,Ne=null;function Pe(){let e=r(`div`,{id:`connection-banner`,class:`banner`,role:`status`,"aria-live":`assertive`},`连接已断开，正在重新连接…`);e.hidden=!0,Ne?.(),Ne=l(t=>{e.hidden=t,document.body.classList.toggle(`offline`,!t)}),Q=r(`header`,{class:`topbar m-topbar`}),Z=r(`main`,{id:`main`,tabindex:`-1`,class:`m-main`}),m(X,r(`div`,{class:`shell m-shell`},Q,e,Z)),Fe()}function Fe(){let e=W();m(Q,r(`a`,{class:`skip`,href:`#main`},`跳到主要内容`),r(`span`,{class:`brand`},`议事`),e?r(`span`,{id:`person-name`},e.name):null,r(`nav`,{"aria-label":`主菜单`,class:`m-nav`},r(`a`,{href:j(`/m/meetings`)},`会议`),e?r(`a`,{href:j(`/m/cases`)},`我的诉求`):null,e?r(`button`,{type:`button`,class:`secondary`,onclick:async()=>{await s(),G(null),$()}},`退出`):r(`a`,{href:j(`/m/signin`)},`登录`)));for(let e of Q.querySelectorAll(`nav a`))location.pathname.startsWith(e.pathname)&&e.setAttribute(`aria-current`,`page`)}async function Ie(e,t){a({county:e,...t}),E(),await Le();let n=sessionStorage.getItem(Y)??`/m/meetings`;sessionStorage.removeItem(Y),Pe(),await T(n,!0)}async function Le(){if(!g())return null;let e=await i(je,{}),t=e.viewer.user;if(!t||!e.viewer.county)return null;n(e.viewer.county.timezone);let r={id:t.id,name:t.displayName,verification:t.verification,county:e.viewer.county.slug};return G(r),r}function $(e){E();let t=y({autocomplete:`organization`,value:I(),spellcheck:`false`}),n=N(`county`,`所属县（区）代码`,t,`通常已在链接里，例如 chengkou`),i=()=>{let e=t.value.trim();return e&&o(e),e||null},a=y({type:`tel`,inputmode:`tel`,autocomplete:`tel`}),s=y({type:`password`,autocomplete:`current-password`}),l=F({title:`用手机号和密码登录`,submit:`登录`,className:`m-form password-form`,fields:[N(`phone`,`手机号`,a),N(`password`,`密码`,s)],onSubmit:async()=>{let e=i();if(!e)return[{message:`请先填写所属县（区）代码`}];let t=await c(Oe,{input:{phone:a.value.trim(),password:s.value}});return t.login.tokens?(await Ie(e,t.login.tokens),[]):t.login.errors}}),u=y({type:`tel`,inputmode:`tel`,autocomplete:`tel`}),d=y({inputmode:`numeric`,autocomplete:`one-time-code`,maxlength:`6`}),f=r(`p`,{class:`status`,role:`status`,"aria-live":`polite`}),p=r(`button`,{type:`button`,class:`secondary`,id:`send-code`},`获取验证码`),h=F({title:`用短信验证码登录`,submit:`登录`,className:`m-form sms-form`,fields:[N(`phone`,`手机号`,u),N(`code`,`短信验证码`,d,`6 位数字；新号码登录后即注册为群众账号`)],extra:r(`div`,{},p,f),onSubmit:async()=>{let e=i();if(!e)return[{message:`请先填写所属县（区）代码`}];let t=await c(Ae,{phone:u.value.trim(),code:d.value.trim()});return t.signInWithSmsCode.tokens?(await Ie(e,t.signInWithSmsCode.tokens),[]):t.signInWithSmsCode.errors}});p.addEventListener(`click`,async()=>{if(h.clearErrors(),f.textContent=``,!i())h.showErrors([{message:`请先填写所属县（区）代码`}]);else{p.disabled=!0;try{let e=await c(ke,{phone:u.value.trim()});e.requestSmsCode.errors.length?h.showErrors(e.requestSmsCode.errors):f.textContent=`验证码已发送，请查看短信`}catch(e){h.showErrors([{message:e instanceof Error?e.message:String(e)}])}finally{p.disabled=!1}}});let g=r(`div`,{class:`card m-form`},r(`div`,{class:`field`},r(`label`,{for:t.id||=`m-county`},n.label),t,r(`p`,{class:`hint`},n.hint??``))),_=sessionStorage.getItem(Y),v=_?.startsWith(`/m/meetings/`)?r(`p`,{},r(`a`,{class:`button secondary big`,href:j(_),id:`watch-anonymously`,onclick:()=>{i(),sessionStorage.setItem(`yishi.m.anonymous`,`1`)}},`不登录，仅观看会议`)):null;m(X,r(`main`,{id:`main`,class:`signin m-main`},r(`h1`,{},`议事 · 群众参与`),r(`p`,{class:`muted`},`参加会议、投票测评、发言提问，查看自己反映的诉求和答复。`),e?r(`p`,{class:`error`,role:`alert`},e):null,g,l.element,h.element,v)),(t.value?a:t).focus()}async function Re(t){X=t,document.documentElement.classList.add(`m`);let r=I();r&&(o(r),sessionStorage.setItem(`yishi.console.county`,r)),k(`/m`,async()=>void T(`/m/meetings`,!0)),k(`/m/signin`,async()=>$()),k(`/m/meetings`,De),k(`/m/meetings/:id`,q),k(`/m/cases`,H),k(`/m/cases/new`,se),k(`/m/cases/:id`,oe),f(()=>{sessionStorage.setItem(Y,Me()),G(null),$(`登录已失效，请重新登录`)}),v(async(e,t)=>{let n=sessionStorage.getItem(`yishi.m.anonymous`)===`1`,r=location.pathname.startsWith(M+`/m/meetings/`);if(location.pathname.replace(/\/$/,``)===`/console/m/signin`){$();return}if(!W()&&!(n&&r)){sessionStorage.setItem(Y,Me()),$();return}Z&&X.contains(Z)||Pe(),Fe(),Z.replaceChildren();let i=await e(Z,t);return Z.focus({preventScroll:!0}),i});let a=g();if(a&&(!r||r===a.county))try{d(),await Le()}catch{e()}else a&&e();if(!W()&&r)try{let e=await i(J,{});e.viewer.county&&n(e.viewer.county.timezone)}catch{}await O()}export{Re as startParticipant};