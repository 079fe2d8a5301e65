import{A as e,B as t,C as n,D as r,E as i,F as a,G as o,H as s,I as c,J as l,K as u,L as d,M as f,O as p,P as m,Q as h,R as g,U as _,V as v,W as y,X as b,Y as x,Z as S,a as C,b as w,c as T,d as E,h as D,i as ee,j as te,k as O,l as k,n as A,o as j,q as M,r as N,s as P,u as F,v as I,w as L,y as ne}from"./index-k1r2ly6I.js";var R=h(`
  query ParticipantCases($after: String) {
    myCases(first: 20, after: $after) {
      edges { node { id number title kind state effectiveState dueOn dueProvisional receivedAt } }
      pageInfo { hasNextPage endCursor }
    }
  }
`),z=h(`
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
`),B=h(`
  query ParticipantCaseHistory($stream: String!, $after: Int) {
    streamEventPage(stream: $stream, after: $after, first: 100) {
      events { seq type at payload }
      nextAfter hasMore headSeq
    }
  }
`),V=h(`
  subscription ParticipantCaseEvents($stream: String!, $after: Int) {
    events(stream: $stream, after: $after) { seq type at payload }
  }
`),re=h(`
  mutation ParticipantRate($caseId: ID!, $satisfaction: Satisfaction!, $text: String) {
    rateCase(caseId: $caseId, satisfaction: $satisfaction, text: $text) {
      case { id state reopenCount } errors { field code message }
    }
  }
`),ie=h(`
  mutation ParticipantRaiseCase($input: RaiseCaseInput!) {
    raiseCase(input: $input) { number case { id } errors { field code message } }
  }
`),ae=async e=>{document.title=`我的诉求 · 议事`;let t=a(`ul`,{class:`m-list`,id:`my-cases`}),n=a(`button`,{type:`button`,class:`secondary big`},`加载更多`);n.hidden=!0,m(e,a(`h1`,{},`我的诉求`),a(`p`,{},a(`a`,{class:`button big`,href:P(`/m/cases/new`)},`＋ 反映新的诉求或建议`)),t,n);let r=null;async function o(){let e=await y(R,{after:r});for(let{node:n}of e.myCases.edges)t.append(a(`li`,{},a(`a`,{class:`m-card`,href:P(`/m/cases/${encodeURIComponent(n.id)}`),"data-case":n.id},a(`span`,{class:`m-card-title`},n.title),a(`span`,{class:`meta`},N(n.effectiveState),` ${n.number} · ${i(I,n.kind)} · ${d(n.receivedAt)}`))));t.children.length||t.append(a(`li`,{class:`muted`},`您还没有反映过诉求。`)),r=e.myCases.pageInfo.endCursor??null,n.hidden=!e.myCases.pageInfo.hasNextPage,t.dataset.loaded=`1`}n.addEventListener(`click`,()=>void o()),await o()};function oe(e){let t=e.payload??{},r=[];return t.kind&&e.type===`case.replied`&&r.push(i(n,String(t.kind))),t.satisfaction&&r.push(i(L,String(t.satisfaction))),typeof t.text==`string`&&t.text&&r.push(t.text),r.join(` · `)}var se=async(o,s)=>{let c=s.id,l=a(`div`,{class:`m-head`}),u=a(`section`,{class:`card`}),f=a(`section`,{class:`card`,id:`replies`,"aria-labelledby":`replies-title`}),h=a(`section`,{id:`rating`}),g=a(`ol`,{class:`history`,id:`history`,"aria-live":`polite`}),_=ee();_.id=`case-status`,m(o,a(`p`,{},a(`a`,{href:P(`/m/cases`)},`← 我的诉求`)),l,_,u,f,h,a(`section`,{class:`card`,"aria-labelledby":`history-title`},a(`h2`,{id:`history-title`},`办理进度`),g));let b=[],x=``;function S(){m(g,...b.map(e=>a(`li`,{"data-type":e.type,"data-seq":String(e.seq)},a(`span`,{class:`when`},d(e.at)),` `,a(`strong`,{},i(D,e.type)),oe(e)?` · ${oe(e)}`:``)))}function C(t){let n=e([[``,`请选择`],[`SATISFIED`,`满意`],[`BASICALLY_SATISFIED`,`基本满意`],[`DISSATISFIED`,`不满意`]]),i=te({rows:`3`});return p({title:`评价办理结果`,submit:`提交评价`,className:`m-form rate-form`,fields:[r(`satisfaction`,`您对办理结果是否满意`,n),r(`text`,`理由（选不满意时必填）`,i,t.reopenCount?`已重新办理过一次，这次不满意将办结并标注。`:`选不满意将退回重新办理一次。`)],onSubmit:async()=>{if(!n.value)return[{field:`satisfaction`,message:`请选择满意程度`}];let e=(await v(re,{caseId:c,satisfaction:n.value,text:i.value.trim()||null})).rateCase;return e.errors.length?e.errors:(_.textContent=e.case?.state===`CLOSED`?`感谢评价，诉求已办结`:`已提交评价，诉求将重新办理`,await T(),[])}}).element}let w=0;async function T(){let e=++w,t=await y(z,{id:c});if(e!==w)return null;let r=t.node;if(!r||!(`number`in r))return m(o,a(`h1`,{},`诉求不存在或无权查看`),a(`a`,{href:P(`/m/cases`)},`返回我的诉求`)),null;document.title=`${r.number} ${r.title} · 议事`,m(l,a(`h1`,{},r.title),a(`p`,{class:`meta`},N(r.effectiveState),` ${r.number} `,A(r.dueOn,r.dueProvisional))),m(u,a(`dl`,{class:`facts`},a(`dt`,{},`类型`),a(`dd`,{},i(I,r.kind)),a(`dt`,{},`内容`),a(`dd`,{},r.body),a(`dt`,{},`受理时间`),a(`dd`,{},d(r.receivedAt)),a(`dt`,{},`承办单位`),a(`dd`,{},r.handler?.name??`—`),a(`dt`,{},`我的评价`),a(`dd`,{id:`my-rating`},r.satisfaction?i(L,r.satisfaction)+(r.ratingText?`：${r.ratingText}`:``):`—`))),m(f,a(`h2`,{id:`replies-title`},`答复`),r.replies.length?a(`ol`,{class:`plain`},...r.replies.map(e=>a(`li`,{class:`m-reply`,"data-kind":e.kind},a(`strong`,{},i(n,e.kind)),a(`span`,{class:`muted`},` ${d(e.createdAt)}`),a(`p`,{},e.body)))):a(`p`,{class:`muted`},`还没有答复，承办单位办理后会在这里答复您。`));let s=r.effectiveState===`ANSWERED`?`rate/${r.reopenCount}`:`none`;return s!==x&&(x=s,m(h,s===`none`?null:C(r))),r}async function E(e,t){let n=t;for(;;){let t=(await y(B,{stream:e,after:n})).streamEventPage;for(let e of t.events)b.some(t=>t.seq===e.seq)||b.push(e);if(n=t.nextAfter,!t.hasMore)break}return S(),g.dataset.loaded=`1`,n}let O=await T();if(!O)return;let k=await E(O.stream,0),j,M=t(V,{stream:O.stream,after:k},e=>e.events.seq,e=>{e.events.type===`stream.resync`?(b.splice(0),E(O.stream,0).then(T)):b.some(t=>t.seq===e.events.seq)||(b.push(e.events),S(),clearTimeout(j),j=window.setTimeout(()=>void T(),150))},e=>_.textContent=e);return()=>{M(),clearTimeout(j)}},ce=async t=>{document.title=`反映诉求 · 议事`;let n=e([[`DEMAND`,`诉求（需要解决的问题）`],[`SUGGESTION`,`建议`],[`CONSULTATION`,`咨询`]]),i=O({autocomplete:`off`}),o=te({rows:`5`}),s=a(`input`,{type:`checkbox`,id:`m-private`}),c=p({title:`反映诉求或建议`,submit:`提交`,className:`m-form raise-case-form`,fields:[r(`kind`,`类型`,n),r(`title`,`标题`,i,`一句话说明，例如：村口路灯不亮`),r(`body`,`具体内容`,o)],extra:a(`div`,{class:`field m-check`},a(`label`,{for:`m-private`},s,` 只涉及我个人（不公开）`)),onSubmit:async()=>{let e=(await v(ie,{input:{channel:`ONLINE`,kind:n.value,title:i.value.trim(),body:o.value.trim(),isPrivate:s.checked,clientKey:crypto.randomUUID?.()??`${Date.now()}`}})).raiseCase;return e.errors.length||!e.case?e.errors:(await T(`/m/cases/${encodeURIComponent(e.case.id)}`),[])}});m(t,a(`p`,{},a(`a`,{href:P(`/m/cases`)},`← 我的诉求`)),a(`h1`,{},`反映诉求`),c.element),i.focus()},H=null;function U(){return H}function W(e){H=e}var le=h(`
  query ParticipantMeetingHead($stream: String!) {
    streamEventPage(stream: $stream, first: 1) { headSeq }
  }
`),ue=h(`
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
`),de=h(`
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
        ... on ScoringTurnout { sheetId }
        ... on ResyncRequired { reason }
      }
    }
  }
`),fe=h(`
  mutation ParticipantRegister($meetingId: ID!) {
    registerForMeeting(meetingId: $meetingId) { errors { field code message } }
  }
`),pe=h(`
  mutation ParticipantCheckIn($meetingId: ID!) {
    checkIn(meetingId: $meetingId) { errors { field code message } }
  }
`),me=h(`
  mutation ParticipantVote($pollId: ID!, $choices: [Int!]!, $idempotencyKey: String!) {
    castVote(pollId: $pollId, choices: $choices, idempotencyKey: $idempotencyKey) {
      accepted duplicate errors { field code message }
    }
  }
`),he=h(`
  mutation ParticipantScore($sheetId: ID!, $answers: [String!]!) {
    castScoringBallot(sheetId: $sheetId, answers: $answers) { accepted status errors { field code message } }
  }
`),ge=h(`
  mutation ParticipantComment($meetingId: ID!, $body: String!, $kind: CommentKind!) {
    postComment(meetingId: $meetingId, body: $body, kind: $kind) {
      comment { id kind body createdAt hidden answeredLive parentId }
      errors { field code message }
    }
  }
`),_e=h(`
  mutation ParticipantRaiseHand($meetingId: ID!, $topic: String) {
    raiseHand(meetingId: $meetingId, topic: $topic) { requestId state errors { field code message } }
  }
`),ve=h(`
  mutation ParticipantLowerHand($requestId: ID!) {
    updateSpeakingRequest(requestId: $requestId, state: WITHDRAWN) { requestId state errors { field code message } }
  }
`),G=`yishi.m.joined`,K=`yishi.m.hands`;function ye(){return new Set(JSON.parse(sessionStorage.getItem(G)??`[]`))}function be(e){sessionStorage.setItem(G,JSON.stringify([...ye(),e]))}function xe(){return new Set(JSON.parse(sessionStorage.getItem(K)??`[]`))}function Se(e){sessionStorage.setItem(K,JSON.stringify([...xe(),e]))}function Ce(){return crypto.randomUUID?.()??`${Date.now()}-${Math.random()}`}function we(e){let t=Math.max(0,Math.round(e));return`${String(Math.floor(t/60)).padStart(2,`0`)}:${String(t%60).padStart(2,`0`)}`}var Te={COMMENT:`留言`,QUESTION:`提问`},q=async(n,o)=>{let c=o.id,l=U(),u=a(`div`,{class:`m-head`}),h=a(`section`,{class:`card`,id:`join-area`,"aria-label":`参加会议`}),g=a(`section`,{class:`card`,id:`agenda`,"aria-labelledby":`agenda-title`}),_=a(`section`,{id:`polls`,"aria-label":`表决`}),b=a(`section`,{id:`sheets`,"aria-label":`测评`}),x=a(`section`,{class:`card`,id:`hand`,"aria-labelledby":`hand-title`}),S=a(`section`,{class:`card`,id:`comments`,"aria-labelledby":`comments-title`}),C=ee();C.id=`meeting-status`,m(n,a(`p`,{},a(`a`,{href:P(`/m/meetings`)},`← 全部会议`)),u,C,h,g,_,b,x,S);let T=null,D=ye().has(c),k=[],A=[],j=new Map,M=new Map,N=``;function F(e){document.title=`${e.title} · 议事`,m(u,a(`h1`,{},e.title),a(`p`,{class:`meta`},a(`span`,{class:`badge meeting-${e.state.toLowerCase()}`,id:`meeting-state`},i(w,e.state)),` ${i(ne,e.kind)} · ${d(e.startsAt)}`,e.venue?` · ${e.venue.name}`:``,` · 已签到 ${e.attendance} 人`))}function I(){if(!l){m(h,a(`p`,{},`您正在以游客身份观看。投票、测评、留言和举手发言需要登录。`),a(`a`,{class:`button big`,href:P(`/m/signin`)},`登录后参加`));return}if(D){m(h,a(`p`,{id:`joined`},`✓ 您已加入本次会议（已签到）。`));return}let e=p({title:`加入会议`,submit:`加入会议并签到`,className:`m-form join-form`,fields:[],extra:a(`p`,{class:`hint`},`加入后即可投票、测评、留言和举手发言。`),onSubmit:async()=>{let e=(await v(fe,{meetingId:c})).registerForMeeting.errors.filter(e=>e.code!==`ALREADY_REGISTERED`);if(e.length)return e;let t=await v(pe,{meetingId:c});return t.checkIn.errors.length?t.checkIn.errors:(be(c),D=!0,C.textContent=`已加入会议`,I(),[])}});m(h,e.element)}let L;function R(e){return e.agenda.find(e=>e.timer.status===`RUNNING`)??e.agenda.find(e=>e.timer.status===`PAUSED`)??[...e.agenda].reverse().find(e=>e.timer.status===`STOPPED`)??e.agenda[0]??null}let z=a(`p`,{class:`m-timer`,id:`timer`,role:`timer`,"aria-live":`off`});function B(){let e=T?R(T):null;m(g,a(`h2`,{id:`agenda-title`},`当前议程`)),e?(f(g,[a(`p`,{class:`m-item`,id:`current-item`},`${e.position}. ${e.title}`),e.speakerName?a(`p`,{},`发言人：${e.speakerName}`):null,z,N?a(`p`,{class:`error`,role:`alert`,id:`timer-warning`},N):null]),V()):g.append(a(`p`,{class:`muted`},`暂无议程`))}function V(){let e=T?R(T):null;if(!e)return;let t=e.timer,n=t.remainingSeconds??t.durationSeconds;t.status===`RUNNING`&&t.deadline&&(n=(new Date(t.deadline).getTime()-Date.now())/1e3);let r={IDLE:`未开始`,RUNNING:`发言中`,PAUSED:`已暂停`,STOPPED:`已结束`}[t.status]??t.status;z.textContent=`${r} · 剩余 ${we(n)}（共 ${we(t.durationSeconds)}）`,z.dataset.status=t.status}function re(e,t){let n=e.totalVotes||0;m(t,a(`p`,{class:`m-total`,"data-total":String(n)},`已投 ${n} 票`),a(`ul`,{class:`m-tally`},...e.options.map((t,r)=>a(`li`,{},a(`span`,{},t),a(`meter`,{min:`0`,max:String(Math.max(n,1)),value:String(e.counts[r]??0),"aria-label":`${t} 票数`}),a(`span`,{class:`count`,"data-option":String(r)},`${e.counts[r]??0} 票`)))))}function ie(e){let t=a(`div`,{class:`m-tally-box`,"aria-live":`polite`});re(e,t);let n=a(`p`,{class:`status`,role:`status`}),r=a(`article`,{class:`card m-poll`,"data-poll":e.id,"data-state":e.state},a(`h2`,{},e.state===`OPEN`?`表决进行中`:`表决结果`),a(`p`,{class:`m-question`},e.question));if(e.state===`OPEN`&&l){let t=e.kind===`MULTIPLE`,i=`poll-${e.id}`,o=e.options.map((e,n)=>a(`label`,{class:`m-choice`},a(`input`,{type:t?`checkbox`:`radio`,name:i,value:String(n)}),a(`span`,{},e))),s=p({title:t?`请选择（最多 ${e.maxChoices} 项）`:`请选择一项`,submit:`投票`,className:`m-form vote-form`,fields:[],extra:a(`fieldset`,{class:`m-choices`},a(`legend`,{class:`sr-only`},e.question),...o),onSubmit:async()=>{let t=o.flatMap((e,t)=>e.querySelector(`input`).checked?[t]:[]);if(!t.length)return[{field:`choices`,message:`请先选择`}];let r=(await v(me,{pollId:e.id,choices:t,idempotencyKey:Ce()})).castVote;return r.errors.length?(n.textContent=``,r.errors):(n.textContent=`✓ 您的投票已记录`,[])}});r.append(s.element,n)}else e.state===`OPEN`&&r.append(a(`p`,{class:`muted`},`登录并加入会议后可以投票。`));return r.append(t),{card:r,tally:t}}function ae(){if(!T)return;let e=T.polls.filter(e=>e.state!==`DRAFT`);for(let t of e){let e=`${t.state}`,n=j.get(t.id);if(n&&n.key===e){re(t,n.tally);continue}let r=ie(t);n?n.card.replaceWith(r.card):_.prepend(r.card),j.set(t.id,{key:e,...r})}}function oe(e,t,n){let r=T?.polls.find(t=>t.id===e);r&&(r.counts=t,r.totalVotes=n,ae())}function se(t){let n=a(`article`,{class:`card m-sheet`,"data-sheet":t.id,"data-state":t.state,"data-ballot":t.myBallot},a(`h2`,{},`测评：${t.title}`));if(t.state===`OPEN`&&l&&t.myBallot===`NOT_CAST`){let i=t.targets.map((n,i)=>t.scale===`SATISFACTION`?r(`answers.${i}`,n,e([[``,`请选择`],[`满意`,`满意`],[`基本满意`,`基本满意`],[`不满意`,`不满意`]])):r(`answers.${i}`,`${n}（0–100 分）`,O({type:`number`,inputmode:`numeric`,min:`0`,max:`100`}))),o=p({title:`匿名测评票`,submit:`提交测评票`,className:`m-form scoring-form`,fields:i,extra:a(`p`,{class:`hint`},`不记名：票数满 ${t.minBallots} 张后成批计入，提交后不能修改。`),onSubmit:async()=>{let e=i.map(e=>e.control.value.trim()),n=e.findIndex(e=>!e);if(n>=0)return[{field:`answers.${n}`,message:`请对每个测评对象作答`}];let r=await v(he,{sheetId:t.id,answers:e});if(r.castScoringBallot.errors.length)return r.castScoringBallot.errors;let a=T?.scoringSheets.find(e=>e.id===t.id);return a&&(a.myBallot=r.castScoringBallot.status??`PENDING`),C.textContent=`测评票已提交`,ce(),[]}});n.append(o.element)}else if(t.state===`OPEN`&&l)n.append(a(`p`,{class:`m-ballot`,id:`ballot-${t.id}`},`✓ 已提交 · ${i(E,t.myBallot)}`));else if(t.state===`OPEN`)n.append(a(`p`,{class:`muted`},`登录并加入会议后可以测评。`));else{let e=t.results;n.append(a(`p`,{},e?.withheld?`测评已结束：参评人数不足，结果不公布。`:`测评已结束，结果见会议记录。`)),l&&t.myBallot!==`NOT_CAST`&&n.append(a(`p`,{class:`m-ballot`,id:`ballot-${t.id}`},`您的测评票：${i(E,t.myBallot)}`))}return n}function ce(){if(T)for(let e of T.scoringSheets){let t=`${e.state}/${e.myBallot}`,n=M.get(e.id);if(n&&n.key===t)continue;let r=se(e);n?n.card.replaceWith(r):b.prepend(r),M.set(e.id,{key:t,card:r})}}let H=a(`p`,{id:`hand-status`,role:`status`,"aria-live":`polite`,class:`m-hand-status`}),W=a(`div`,{}),G=``;function K(){let e=xe();return k.find(t=>e.has(t.requestId)&&(t.state===`WAITING`||t.state===`SPEAKING`))??null}function q(){x.firstChild||m(x,a(`h2`,{id:`hand-title`},`举手发言`),H,W);let e=k.filter(e=>e.state===`WAITING`),t=k.find(e=>e.state===`SPEAKING`),n=K();n?.state===`SPEAKING`?H.textContent=`主持人已请您发言，请开始发言。`:n?H.textContent=`您已举手，排在第 ${e.indexOf(n)+1} 位（共 ${e.length} 人等候）。`:H.textContent=`${t?`正在发言：${t.name??`一位参会人`}。`:``}等候发言 ${e.length} 人。`,H.dataset.state=n?.state??`NONE`;let i=l?n?`mine/${n.requestId}`:`none`:`anon`;if(i===G)return;if(G=i,!l){m(W);return}if(n){let e=p({title:`取消举手`,submit:`放下手（取消发言）`,className:`m-form lower-hand-form`,fields:[],onSubmit:async()=>{let e=await v(ve,{requestId:n.requestId});return e.updateSpeakingRequest.errors.length?e.updateSpeakingRequest.errors:(C.textContent=`已取消举手`,[])}});m(W,e.element);return}let o=O({autocomplete:`off`}),s=p({title:`我要发言`,submit:`举手`,className:`m-form raise-hand-form`,fields:[r(`topic`,`想说的事（可不填）`,o)],onSubmit:async()=>{let e=(await v(_e,{meetingId:c,topic:o.value.trim()||null})).raiseHand;return e.errors.length?e.errors:(e.requestId&&(Se(e.requestId),k.some(t=>t.requestId===e.requestId)||k.push({requestId:e.requestId,state:e.state??`WAITING`,topic:o.value})),C.textContent=`已举手，请等候主持人安排`,q(),[])}});m(W,s.element)}let Ee=a(`ol`,{class:`m-comments`,id:`comment-list`,"aria-live":`polite`}),De=!1;function Oe(){if(!De){De=!0;let t=te({rows:`3`}),n=a(`p`,{class:`hint`,"aria-live":`off`},`0 / 500 字`);t.addEventListener(`input`,()=>n.textContent=`${[...t.value].length} / 500 字`);let i=e([[`COMMENT`,`留言`],[`QUESTION`,`提问`]]),o=l?p({title:`发表留言或提问`,submit:`发送`,className:`m-form comment-form`,fields:[r(`kind`,`类型`,i),r(`body`,`内容`,t)],extra:n,onSubmit:async()=>{let e=(await v(ge,{meetingId:c,body:t.value,kind:i.value})).postComment;return e.errors.length?e.errors:(e.comment&&ke(e.comment),t.value=``,n.textContent=`0 / 500 字`,C.textContent=`已发送`,[])}}):null;m(S,a(`h2`,{id:`comments-title`},`留言和提问`),o?o.element:a(`p`,{class:`muted`},`登录后可以留言。`),Ee)}m(Ee,A.length?A.map(e=>a(`li`,{"data-comment":e.id},a(`span`,{class:`badge`},Te[e.kind]??e.kind),e.answeredLive?a(`span`,{class:`badge`},`已现场答复`):null,` `,e.hidden?a(`span`,{class:`muted`},`（该留言已被隐藏）`):e.body,a(`span`,{class:`muted m-when`},d(e.createdAt)))):a(`li`,{class:`muted`},`还没有留言`))}function ke(e){A.some(t=>t.id===e.id)||(A.unshift(e),Oe())}let Ae=0;async function je(){let e=++Ae,t=await y(ue,{id:c});if(e!==Ae)return;let r=t.node;!r||!(`title`in r)?m(n,a(`h1`,{},`会议不存在或无权查看`),a(`a`,{href:P(`/m/meetings`)},`返回会议列表`)):(T=r,k=r.speakingQueue.map(e=>({requestId:e.id,state:e.state,topic:e.topic})),A.splice(0,A.length,...r.comments.edges.map(e=>e.node)),F(r),I(),B(),ae(),ce(),q(),Oe())}let J;function Y(){clearTimeout(J),J=window.setTimeout(()=>void je().catch(e=>C.textContent=String(e.message??e)),150)}function Me(e){let t=e.data;switch(t.__typename){case`TimerUpdate`:{let e=T?.agenda.find(e=>e.id===t.agendaItemId);e&&Object.assign(e.timer,{status:t.status,deadline:t.deadline,remainingSeconds:t.remainingSeconds,durationSeconds:t.durationSeconds}),N=t.warning===`ONE_MINUTE_LEFT`?`还剩 1 分钟`:t.warning===`TIME_UP`?`发言时间到`:t.status===`RUNNING`&&!t.warning?``:N,B();return}case`PollTally`:oe(t.pollId,t.counts,t.totalVotes);return;case`QueueUpdate`:k=t.queue.map(e=>({requestId:e.requestId,name:e.name,state:e.state,topic:e.topic})),q();return;case`CommentUpdate`:t.change===`POSTED`&&t.body!==null&&t.body!==void 0?ke({id:t.commentId,kind:t.kind??`COMMENT`,body:t.body,createdAt:e.at,hidden:!1,answeredLive:!1,parentId:t.parentId??null}):Y();return;case`ParticipantUpdate`:T&&t.change===`CHECKED_IN`&&(T.attendance+=t.participants.length,F(T));return;case`ScoringTurnout`:e.type===`scoring.counted`&&T?.scoringSheets.some(e=>e.id===t.sheetId&&e.myBallot===`PENDING`)&&Y();return;default:Y()}}let X=null;try{let e=await y(le,{stream:`meeting:${c}`});await je(),X=t(de,{meetingId:c,after:e.streamEventPage.headSeq},e=>e.meetingLive.seq,e=>Me(e.meetingLive),e=>C.textContent=e,e=>e.meetingLive.data.__typename===`PollTally`)}catch(e){C.textContent=e instanceof Error?e.message:String(e)}let Z=s(e=>e&&Y());return L=window.setInterval(V,1e3),n.dataset.live=`1`,()=>{X?.(),Z(),clearInterval(L),clearTimeout(J)}},Ee=h(`
  query ParticipantMeetings {
    meetings(states: [LIVE, ANNOUNCED], first: 50) {
      edges { node { id title kind mode state startsAt venue { name } } }
    }
  }
`),De=async e=>{document.title=`会议 · 议事`;let t=a(`ul`,{class:`m-list`,id:`meeting-list`}),n=O({inputmode:`url`,autocomplete:`off`,spellcheck:`false`}),o=p({title:`通过链接加入会议`,submit:`打开会议`,className:`m-form join-link-form`,fields:[r(`link`,`会议链接`,n,`粘贴收到的会议链接`)],onSubmit:async()=>{let e=/\/m\/meetings\/([^/?#]+)/.exec(n.value.trim());return e?(await T(`/m/meetings/${e[1]}`),[]):[{field:`link`,message:`这不是会议链接，请检查后重新粘贴`}]}});m(e,a(`h1`,{},`会议`),a(`section`,{"aria-label":`正在进行和即将召开的会议`},t),o.element);let s=await y(Ee,{}),c=ye(),l=[...s.meetings.edges].sort((e,t)=>Number(c.has(t.node.id))-Number(c.has(e.node.id))||Number(t.node.state===`LIVE`)-Number(e.node.state===`LIVE`));m(t,l.length?l.map(({node:e})=>a(`li`,{},a(`a`,{class:`m-card`,href:P(`/m/meetings/${encodeURIComponent(e.id)}`),"data-meeting":e.id},a(`span`,{class:`m-card-title`},e.title),a(`span`,{class:`meta`},a(`span`,{class:`badge meeting-${e.state.toLowerCase()}`},i(w,e.state)),c.has(e.id)?a(`span`,{class:`badge`},`已加入`):null,` ${i(ne,e.kind)} · ${d(e.startsAt)}`,e.venue?` · ${e.venue.name}`:``)))):a(`li`,{class:`muted`},`现在没有正在进行或即将召开的会议。`)),t.dataset.loaded=`1`},Oe=h(`
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
`),Y=`yishi.m.return`;function Me(){return location.pathname.slice(C.length)+location.search}var X,Z,Q,Ne=null;function Pe(){let e=a(`div`,{id:`connection-banner`,class:`banner`,role:`status`,"aria-live":`assertive`},`连接已断开，正在重新连接…`);e.hidden=!0,Ne?.(),Ne=s(t=>{e.hidden=t,document.body.classList.toggle(`offline`,!t)}),Q=a(`header`,{class:`topbar m-topbar`}),Z=a(`main`,{id:`main`,tabindex:`-1`,class:`m-main`}),m(X,a(`div`,{class:`shell m-shell`},Q,e,Z)),Fe()}function Fe(){let e=U();m(Q,a(`a`,{class:`skip`,href:`#main`},`跳到主要内容`),a(`span`,{class:`brand`},`议事`),e?a(`span`,{id:`person-name`},e.name):null,a(`nav`,{"aria-label":`主菜单`,class:`m-nav`},a(`a`,{href:P(`/m/meetings`)},`会议`),e?a(`a`,{href:P(`/m/cases`)},`我的诉求`):null,e?a(`button`,{type:`button`,class:`secondary`,onclick:async()=>{await u(),W(null),$()}},`退出`):a(`a`,{href:P(`/m/signin`)},`登录`)));for(let e of Q.querySelectorAll(`nav a`))location.pathname.startsWith(e.pathname)&&e.setAttribute(`aria-current`,`page`)}async function Ie(e,t){S({county:e,...t}),g(),await Le();let n=sessionStorage.getItem(Y)??`/m/meetings`;sessionStorage.removeItem(Y),Pe(),await T(n,!0)}async function Le(){if(!b())return null;let e=await y(je,{}),t=e.viewer.user;if(!t||!e.viewer.county)return null;c(e.viewer.county.timezone);let n={id:t.id,name:t.displayName,verification:t.verification,county:e.viewer.county.slug};return W(n),n}function $(e){g();let t=O({autocomplete:`organization`,value:l(),spellcheck:`false`}),n=r(`county`,`所属县（区）代码`,t,`通常已在链接里，例如 chengkou`),i=()=>{let e=t.value.trim();return e&&o(e),e||null},s=O({type:`tel`,inputmode:`tel`,autocomplete:`tel`}),c=O({type:`password`,autocomplete:`current-password`}),u=p({title:`用手机号和密码登录`,submit:`登录`,className:`m-form password-form`,fields:[r(`phone`,`手机号`,s),r(`password`,`密码`,c)],onSubmit:async()=>{let e=i();if(!e)return[{message:`请先填写所属县（区）代码`}];let t=await v(Oe,{input:{phone:s.value.trim(),password:c.value}});return t.login.tokens?(await Ie(e,t.login.tokens),[]):t.login.errors}}),d=O({type:`tel`,inputmode:`tel`,autocomplete:`tel`}),f=O({inputmode:`numeric`,autocomplete:`one-time-code`,maxlength:`6`}),h=a(`p`,{class:`status`,role:`status`,"aria-live":`polite`}),_=a(`button`,{type:`button`,class:`secondary`,id:`send-code`},`获取验证码`),y=p({title:`用短信验证码登录`,submit:`登录`,className:`m-form sms-form`,fields:[r(`phone`,`手机号`,d),r(`code`,`短信验证码`,f,`6 位数字；新号码登录后即注册为群众账号`)],extra:a(`div`,{},_,h),onSubmit:async()=>{let e=i();if(!e)return[{message:`请先填写所属县（区）代码`}];let t=await v(Ae,{phone:d.value.trim(),code:f.value.trim()});return t.signInWithSmsCode.tokens?(await Ie(e,t.signInWithSmsCode.tokens),[]):t.signInWithSmsCode.errors}});_.addEventListener(`click`,async()=>{if(y.clearErrors(),h.textContent=``,!i())y.showErrors([{message:`请先填写所属县（区）代码`}]);else{_.disabled=!0;try{let e=await v(ke,{phone:d.value.trim()});e.requestSmsCode.errors.length?y.showErrors(e.requestSmsCode.errors):h.textContent=`验证码已发送，请查看短信`}catch(e){y.showErrors([{message:e instanceof Error?e.message:String(e)}])}finally{_.disabled=!1}}});let b=a(`div`,{class:`card m-form`},a(`div`,{class:`field`},a(`label`,{for:t.id||=`m-county`},n.label),t,a(`p`,{class:`hint`},n.hint??``))),x=sessionStorage.getItem(Y),S=x?.startsWith(`/m/meetings/`)?a(`p`,{},a(`a`,{class:`button secondary big`,href:P(x),id:`watch-anonymously`,onclick:()=>{i(),sessionStorage.setItem(`yishi.m.anonymous`,`1`)}},`不登录，仅观看会议`)):null;m(X,a(`main`,{id:`main`,class:`signin m-main`},a(`h1`,{},`议事 · 群众参与`),a(`p`,{class:`muted`},`参加会议、投票测评、发言提问，查看自己反映的诉求和答复。`),e?a(`p`,{class:`error`,role:`alert`},e):null,b,u.element,y.element,S)),(t.value?s:t).focus()}async function Re(e){X=e,document.documentElement.classList.add(`m`);let t=l();t&&(o(t),sessionStorage.setItem(`yishi.console.county`,t)),F(`/m`,async()=>void T(`/m/meetings`,!0)),F(`/m/signin`,async()=>$()),F(`/m/meetings`,De),F(`/m/meetings/:id`,q),F(`/m/cases`,ae),F(`/m/cases/new`,ce),F(`/m/cases/:id`,se),F(`/m/:unknown`,async()=>void T(`/m/meetings`,!0)),M(()=>{sessionStorage.setItem(Y,Me()),W(null),$(`登录已失效，请重新登录`)}),k(async(e,t)=>{let n=sessionStorage.getItem(`yishi.m.anonymous`)===`1`,r=location.pathname.startsWith(C+`/m/meetings/`);if(location.pathname.replace(/\/$/,``)===`/console/m/signin`){$();return}if(!U()&&!(n&&r)){sessionStorage.setItem(Y,Me()),$();return}Z&&X.contains(Z)||Pe(),Fe(),Z.replaceChildren();let i=await e(Z,t);return Z.focus({preventScroll:!0}),i});let n=b();if(n&&(!t||t===n.county))try{_(),await Le()}catch{x()}else n&&x();if(!U()&&t)try{let e=await y(J,{});e.viewer.county&&c(e.viewer.county.timezone)}catch{}await j()}export{Re as startParticipant};