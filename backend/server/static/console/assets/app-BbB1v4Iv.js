import{B as e,C as t,D as n,E as r,F as i,H as a,I as o,L as s,M as c,N as l,O as u,P as d,R as f,S as p,T as m,U as h,V as g,_,a as v,b as y,c as b,d as x,f as S,g as C,h as w,i as T,j as ee,k as E,l as te,m as D,n as O,o as k,p as A,r as j,s as ne,t as M,u as re,v as N,x as P,y as F,z as I}from"./index-CoYPA3KD.js";var ie=h(`
  query ParticipantCases($after: String) {
    myCases(first: 20, after: $after) {
      edges { node { id number title kind state effectiveState dueOn dueProvisional receivedAt } }
      pageInfo { hasNextPage endCursor }
    }
  }
`),L=h(`
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
`),ae=h(`
  query ParticipantCaseHistory($stream: String!, $after: Int) {
    streamEventPage(stream: $stream, after: $after, first: 100) {
      events { seq type at payload }
      nextAfter hasMore headSeq
    }
  }
`),oe=h(`
  subscription ParticipantCaseEvents($stream: String!, $after: Int) {
    events(stream: $stream, after: $after) { seq type at payload }
  }
`),R=h(`
  mutation ParticipantRate($caseId: ID!, $satisfaction: Satisfaction!, $text: String) {
    rateCase(caseId: $caseId, satisfaction: $satisfaction, text: $text) {
      case { id state reopenCount } errors { field code message }
    }
  }
`),se=h(`
  mutation ParticipantRaiseCase($input: RaiseCaseInput!) {
    raiseCase(input: $input) { number case { id } errors { field code message } }
  }
`),ce=async e=>{document.title=`我的诉求 · 议事`;let t=r(`ul`,{class:`m-list`,id:`my-cases`}),n=r(`button`,{type:`button`,class:`secondary big`},`加载更多`);n.hidden=!0,m(e,r(`h1`,{},`我的诉求`),r(`p`,{},r(`a`,{class:`button big`,href:j(`/m/cases/new`)},`＋ 反映新的诉求或建议`)),t,n);let a=null;async function o(){let e=await i(ie,{after:a});for(let{node:n}of e.myCases.edges)t.append(r(`li`,{},r(`a`,{class:`m-card`,href:j(`/m/cases/${encodeURIComponent(n.id)}`),"data-case":n.id},r(`span`,{class:`m-card-title`},n.title),r(`span`,{class:`meta`},b(n.effectiveState),` ${n.number} · ${_(S,n.kind)} · ${u(n.receivedAt)}`))));t.children.length||t.append(r(`li`,{class:`muted`},`您还没有反映过诉求。`)),a=e.myCases.pageInfo.endCursor??null,n.hidden=!e.myCases.pageInfo.hasNextPage,t.dataset.loaded=`1`}n.addEventListener(`click`,()=>void o()),await o()};function le(e){let t=e.payload??{},n=[];return t.kind&&e.type===`case.replied`&&n.push(_(w,String(t.kind))),t.satisfaction&&n.push(_(C,String(t.satisfaction))),typeof t.text==`string`&&t.text&&n.push(t.text),n.join(` · `)}var ue=async(e,t)=>{let n=t.id,a=r(`div`,{class:`m-head`}),o=r(`section`,{class:`card`}),s=r(`section`,{class:`card`,id:`replies`,"aria-labelledby":`replies-title`}),l=r(`section`,{id:`rating`}),d=r(`ol`,{class:`history`,id:`history`,"aria-live":`polite`}),f=te();f.id=`case-status`,m(e,r(`p`,{},r(`a`,{href:j(`/m/cases`)},`← 我的诉求`)),a,f,o,s,l,r(`section`,{class:`card`,"aria-labelledby":`history-title`},r(`h2`,{id:`history-title`},`办理进度`),d));let h=[],g=``;function v(){m(d,...h.map(e=>r(`li`,{"data-type":e.type,"data-seq":String(e.seq)},r(`span`,{class:`when`},u(e.at)),` `,r(`strong`,{},_(x,e.type)),le(e)?` · ${le(e)}`:``)))}function y(e){let t=P([[``,`请选择`],[`SATISFIED`,`满意`],[`BASICALLY_SATISFIED`,`基本满意`],[`DISSATISFIED`,`不满意`]]),r=p({rows:`3`});return F({title:`评价办理结果`,submit:`提交评价`,className:`m-form rate-form`,fields:[N(`satisfaction`,`您对办理结果是否满意`,t),N(`text`,`理由（选不满意时必填）`,r,e.reopenCount?`已重新办理过一次，这次不满意将办结并标注。`:`选不满意将退回重新办理一次。`)],onSubmit:async()=>{if(!t.value)return[{field:`satisfaction`,message:`请选择满意程度`}];let e=(await c(R,{caseId:n,satisfaction:t.value,text:r.value.trim()||null})).rateCase;return e.errors.length?e.errors:(f.textContent=e.case?.state===`CLOSED`?`感谢评价，诉求已办结`:`已提交评价，诉求将重新办理`,await E(),[])}}).element}let T=0;async function E(){let t=++T,c=await i(L,{id:n});if(t!==T)return null;let d=c.node;if(!d||!(`number`in d))return m(e,r(`h1`,{},`诉求不存在或无权查看`),r(`a`,{href:j(`/m/cases`)},`返回我的诉求`)),null;document.title=`${d.number} ${d.title} · 议事`,m(a,r(`h1`,{},d.title),r(`p`,{class:`meta`},b(d.effectiveState),` ${d.number} `,ne(d.dueOn,d.dueProvisional))),m(o,r(`dl`,{class:`facts`},r(`dt`,{},`类型`),r(`dd`,{},_(S,d.kind)),r(`dt`,{},`内容`),r(`dd`,{},d.body),r(`dt`,{},`受理时间`),r(`dd`,{},u(d.receivedAt)),r(`dt`,{},`承办单位`),r(`dd`,{},d.handler?.name??`—`),r(`dt`,{},`我的评价`),r(`dd`,{id:`my-rating`},d.satisfaction?_(C,d.satisfaction)+(d.ratingText?`：${d.ratingText}`:``):`—`))),m(s,r(`h2`,{id:`replies-title`},`答复`),d.replies.length?r(`ol`,{class:`plain`},...d.replies.map(e=>r(`li`,{class:`m-reply`,"data-kind":e.kind},r(`strong`,{},_(w,e.kind)),r(`span`,{class:`muted`},` ${u(e.createdAt)}`),r(`p`,{},e.body)))):r(`p`,{class:`muted`},`还没有答复，承办单位办理后会在这里答复您。`));let f=d.effectiveState===`ANSWERED`?`rate/${d.reopenCount}`:`none`;return f!==g&&(g=f,m(l,f===`none`?null:y(d))),d}async function D(e,t){let n=t;for(;;){let t=(await i(ae,{stream:e,after:n})).streamEventPage;for(let e of t.events)h.some(t=>t.seq===e.seq)||h.push(e);if(n=t.nextAfter,!t.hasMore)break}return v(),d.dataset.loaded=`1`,n}let O=await E();if(!O)return;let k=await D(O.stream,0),A,M=ee(oe,{stream:O.stream,after:k},e=>e.events.seq,e=>{e.events.type===`stream.resync`?(h.splice(0),D(O.stream,0).then(E)):h.some(t=>t.seq===e.events.seq)||(h.push(e.events),v(),clearTimeout(A),A=window.setTimeout(()=>void E(),150))},e=>f.textContent=e);return()=>{M(),clearTimeout(A)}},de=async e=>{document.title=`反映诉求 · 议事`;let t=P([[`DEMAND`,`诉求（需要解决的问题）`],[`SUGGESTION`,`建议`],[`CONSULTATION`,`咨询`]]),n=y({autocomplete:`off`}),i=p({rows:`5`}),a=r(`input`,{type:`checkbox`,id:`m-private`}),o=F({title:`反映诉求或建议`,submit:`提交`,className:`m-form raise-case-form`,fields:[N(`kind`,`类型`,t),N(`title`,`标题`,n,`一句话说明，例如：村口路灯不亮`),N(`body`,`具体内容`,i)],extra:r(`div`,{class:`field m-check`},r(`label`,{for:`m-private`},a,` 只涉及我个人（不公开）`)),onSubmit:async()=>{let e=(await c(se,{input:{channel:`ONLINE`,kind:t.value,title:n.value.trim(),body:i.value.trim(),isPrivate:a.checked,clientKey:crypto.randomUUID?.()??`${Date.now()}`}})).raiseCase;return e.errors.length||!e.case?e.errors:(await T(`/m/cases/${encodeURIComponent(e.case.id)}`),[])}});m(e,r(`p`,{},r(`a`,{href:j(`/m/cases`)},`← 我的诉求`)),r(`h1`,{},`反映诉求`),o.element),n.focus()},z=null;function B(){return z}function V(e){z=e}var fe=h(`
  query ParticipantMeetingHead($stream: String!) {
    streamEventPage(stream: $stream, first: 1) { headSeq }
  }
`),pe=h(`
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
`),me=h(`
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
`),he=h(`
  mutation ParticipantRegister($meetingId: ID!) {
    registerForMeeting(meetingId: $meetingId) { errors { field code message } }
  }
`),ge=h(`
  mutation ParticipantCheckIn($meetingId: ID!) {
    checkIn(meetingId: $meetingId) { errors { field code message } }
  }
`),_e=h(`
  mutation ParticipantVote($pollId: ID!, $choices: [Int!]!, $idempotencyKey: String!) {
    castVote(pollId: $pollId, choices: $choices, idempotencyKey: $idempotencyKey) {
      accepted duplicate errors { field code message }
    }
  }
`),ve=h(`
  mutation ParticipantScore($sheetId: ID!, $answers: [String!]!) {
    castScoringBallot(sheetId: $sheetId, answers: $answers) { accepted status errors { field code message } }
  }
`),ye=h(`
  mutation ParticipantComment($meetingId: ID!, $body: String!, $kind: CommentKind!) {
    postComment(meetingId: $meetingId, body: $body, kind: $kind) {
      comment { id kind body createdAt hidden answeredLive parentId }
      errors { field code message }
    }
  }
`),be=h(`
  mutation ParticipantRaiseHand($meetingId: ID!, $topic: String) {
    raiseHand(meetingId: $meetingId, topic: $topic) { requestId state errors { field code message } }
  }
`),xe=h(`
  mutation ParticipantLowerHand($requestId: ID!) {
    updateSpeakingRequest(requestId: $requestId, state: WITHDRAWN) { requestId state errors { field code message } }
  }
`),H=`yishi.m.joined`,U=`yishi.m.hands`;function W(){return new Set(JSON.parse(sessionStorage.getItem(H)??`[]`))}function Se(e){sessionStorage.setItem(H,JSON.stringify([...W(),e]))}function Ce(){return new Set(JSON.parse(sessionStorage.getItem(U)??`[]`))}function we(e){sessionStorage.setItem(U,JSON.stringify([...Ce(),e]))}function Te(){return crypto.randomUUID?.()??`${Date.now()}-${Math.random()}`}function Ee(e){let t=Math.max(0,Math.round(e));return`${String(Math.floor(t/60)).padStart(2,`0`)}:${String(t%60).padStart(2,`0`)}`}var De={COMMENT:`留言`,QUESTION:`提问`},G=async(e,n)=>{let a=n.id,o=B(),s=r(`div`,{class:`m-head`}),d=r(`section`,{class:`card`,id:`join-area`,"aria-label":`参加会议`}),f=r(`section`,{class:`card`,id:`agenda`,"aria-labelledby":`agenda-title`}),h=r(`section`,{id:`polls`,"aria-label":`表决`}),g=r(`section`,{id:`sheets`,"aria-label":`测评`}),v=r(`section`,{class:`card`,id:`hand`,"aria-labelledby":`hand-title`}),b=r(`section`,{class:`card`,id:`comments`,"aria-labelledby":`comments-title`}),x=te();x.id=`meeting-status`,m(e,r(`p`,{},r(`a`,{href:j(`/m/meetings`)},`← 全部会议`)),s,x,d,f,h,g,v,b);let S=null,C=W().has(a),w=[],T=[],E=new Map,O=new Map,k=``;function ne(e){document.title=`${e.title} · 议事`,m(s,r(`h1`,{},e.title),r(`p`,{class:`meta`},r(`span`,{class:`badge meeting-${e.state.toLowerCase()}`,id:`meeting-state`},_(D,e.state)),` ${_(A,e.kind)} · ${u(e.startsAt)}`,e.venue?` · ${e.venue.name}`:``,` · 已签到 ${e.attendance} 人`))}function M(){if(!o){m(d,r(`p`,{},`您正在以游客身份观看。投票、测评、留言和举手发言需要登录。`),r(`a`,{class:`button big`,href:j(`/m/signin`)},`登录后参加`));return}if(C){m(d,r(`p`,{id:`joined`},`✓ 您已加入本次会议（已签到）。`));return}let e=F({title:`加入会议`,submit:`加入会议并签到`,className:`m-form join-form`,fields:[],extra:r(`p`,{class:`hint`},`加入后即可投票、测评、留言和举手发言。`),onSubmit:async()=>{let e=(await c(he,{meetingId:a})).registerForMeeting.errors.filter(e=>e.code!==`ALREADY_REGISTERED`);if(e.length)return e;let t=await c(ge,{meetingId:a});return t.checkIn.errors.length?t.checkIn.errors:(Se(a),C=!0,x.textContent=`已加入会议`,M(),[])}});m(d,e.element)}let I;function ie(e){return e.agenda.find(e=>e.timer.status===`RUNNING`)??e.agenda.find(e=>e.timer.status===`PAUSED`)??[...e.agenda].reverse().find(e=>e.timer.status===`STOPPED`)??e.agenda[0]??null}let L=r(`p`,{class:`m-timer`,id:`timer`,role:`timer`,"aria-live":`off`});function ae(){let e=S?ie(S):null;m(f,r(`h2`,{id:`agenda-title`},`当前议程`)),e?(t(f,[r(`p`,{class:`m-item`,id:`current-item`},`${e.position}. ${e.title}`),e.speakerName?r(`p`,{},`发言人：${e.speakerName}`):null,L,k?r(`p`,{class:`error`,role:`alert`,id:`timer-warning`},k):null]),oe()):f.append(r(`p`,{class:`muted`},`暂无议程`))}function oe(){let e=S?ie(S):null;if(!e)return;let t=e.timer,n=t.remainingSeconds??t.durationSeconds;t.status===`RUNNING`&&t.deadline&&(n=(new Date(t.deadline).getTime()-Date.now())/1e3);let r={IDLE:`未开始`,RUNNING:`发言中`,PAUSED:`已暂停`,STOPPED:`已结束`}[t.status]??t.status;L.textContent=`${r} · 剩余 ${Ee(n)}（共 ${Ee(t.durationSeconds)}）`,L.dataset.status=t.status}function R(e,t){let n=e.totalVotes||0;m(t,r(`p`,{class:`m-total`,"data-total":String(n)},`已投 ${n} 票`),r(`ul`,{class:`m-tally`},...e.options.map((t,i)=>r(`li`,{},r(`span`,{},t),r(`meter`,{min:`0`,max:String(Math.max(n,1)),value:String(e.counts[i]??0),"aria-label":`${t} 票数`}),r(`span`,{class:`count`,"data-option":String(i)},`${e.counts[i]??0} 票`)))))}function se(e){let t=r(`div`,{class:`m-tally-box`,"aria-live":`polite`});R(e,t);let n=r(`p`,{class:`status`,role:`status`}),i=r(`article`,{class:`card m-poll`,"data-poll":e.id,"data-state":e.state},r(`h2`,{},e.state===`OPEN`?`表决进行中`:`表决结果`),r(`p`,{class:`m-question`},e.question));if(e.state===`OPEN`&&o){let t=e.kind===`MULTIPLE`,a=`poll-${e.id}`,o=e.options.map((e,n)=>r(`label`,{class:`m-choice`},r(`input`,{type:t?`checkbox`:`radio`,name:a,value:String(n)}),r(`span`,{},e))),s=F({title:t?`请选择（最多 ${e.maxChoices} 项）`:`请选择一项`,submit:`投票`,className:`m-form vote-form`,fields:[],extra:r(`fieldset`,{class:`m-choices`},r(`legend`,{class:`sr-only`},e.question),...o),onSubmit:async()=>{let t=o.flatMap((e,t)=>e.querySelector(`input`).checked?[t]:[]);if(!t.length)return[{field:`choices`,message:`请先选择`}];let r=(await c(_e,{pollId:e.id,choices:t,idempotencyKey:Te()})).castVote;return r.errors.length?(n.textContent=``,r.errors):(n.textContent=`✓ 您的投票已记录`,[])}});i.append(s.element,n)}else e.state===`OPEN`&&i.append(r(`p`,{class:`muted`},`登录并加入会议后可以投票。`));return i.append(t),{card:i,tally:t}}function ce(){if(!S)return;let e=S.polls.filter(e=>e.state!==`DRAFT`);for(let t of e){let e=`${t.state}`,n=E.get(t.id);if(n&&n.key===e){R(t,n.tally);continue}let r=se(t);n?n.card.replaceWith(r.card):h.prepend(r.card),E.set(t.id,{key:e,...r})}}function le(e,t,n){let r=S?.polls.find(t=>t.id===e);r&&(r.counts=t,r.totalVotes=n,ce())}function ue(e){let t=r(`article`,{class:`card m-sheet`,"data-sheet":e.id,"data-state":e.state,"data-ballot":e.myBallot},r(`h2`,{},`测评：${e.title}`));if(e.state===`OPEN`&&o&&e.myBallot===`NOT_CAST`){let n=e.targets.map((t,n)=>e.scale===`SATISFACTION`?N(`answers.${n}`,t,P([[``,`请选择`],[`满意`,`满意`],[`基本满意`,`基本满意`],[`不满意`,`不满意`]])):N(`answers.${n}`,`${t}（0–100 分）`,y({type:`number`,inputmode:`numeric`,min:`0`,max:`100`}))),i=F({title:`匿名测评票`,submit:`提交测评票`,className:`m-form scoring-form`,fields:n,extra:r(`p`,{class:`hint`},`不记名：票数满 ${e.minBallots} 张后成批计入，提交后不能修改。`),onSubmit:async()=>{let t=n.map(e=>e.control.value.trim()),r=t.findIndex(e=>!e);if(r>=0)return[{field:`answers.${r}`,message:`请对每个测评对象作答`}];let i=await c(ve,{sheetId:e.id,answers:t});if(i.castScoringBallot.errors.length)return i.castScoringBallot.errors;let a=S?.scoringSheets.find(t=>t.id===e.id);return a&&(a.myBallot=i.castScoringBallot.status??`PENDING`),x.textContent=`测评票已提交`,de(),[]}});t.append(i.element)}else if(e.state===`OPEN`&&o)t.append(r(`p`,{class:`m-ballot`,id:`ballot-${e.id}`},`✓ 已提交 · ${_(re,e.myBallot)}`));else if(e.state===`OPEN`)t.append(r(`p`,{class:`muted`},`登录并加入会议后可以测评。`));else{let n=e.results;t.append(r(`p`,{},n?.withheld?`测评已结束：参评人数不足，结果不公布。`:`测评已结束，结果见会议记录。`)),o&&e.myBallot!==`NOT_CAST`&&t.append(r(`p`,{class:`m-ballot`,id:`ballot-${e.id}`},`您的测评票：${_(re,e.myBallot)}`))}return t}function de(){if(S)for(let e of S.scoringSheets){let t=`${e.state}/${e.myBallot}`,n=O.get(e.id);if(n&&n.key===t)continue;let r=ue(e);n?n.card.replaceWith(r):g.prepend(r),O.set(e.id,{key:t,card:r})}}let z=r(`p`,{id:`hand-status`,role:`status`,"aria-live":`polite`,class:`m-hand-status`}),V=r(`div`,{}),H=``;function U(){let e=Ce();return w.find(t=>e.has(t.requestId)&&(t.state===`WAITING`||t.state===`SPEAKING`))??null}function G(){v.firstChild||m(v,r(`h2`,{id:`hand-title`},`举手发言`),z,V);let e=w.filter(e=>e.state===`WAITING`),t=w.find(e=>e.state===`SPEAKING`),n=U();n?.state===`SPEAKING`?z.textContent=`主持人已请您发言，请开始发言。`:n?z.textContent=`您已举手，排在第 ${e.indexOf(n)+1} 位（共 ${e.length} 人等候）。`:z.textContent=`${t?`正在发言：${t.name??`一位参会人`}。`:``}等候发言 ${e.length} 人。`,z.dataset.state=n?.state??`NONE`;let i=o?n?`mine/${n.requestId}`:`none`:`anon`;if(i===H)return;if(H=i,!o){m(V);return}if(n){let e=F({title:`取消举手`,submit:`放下手（取消发言）`,className:`m-form lower-hand-form`,fields:[],onSubmit:async()=>{let e=await c(xe,{requestId:n.requestId});return e.updateSpeakingRequest.errors.length?e.updateSpeakingRequest.errors:(x.textContent=`已取消举手`,[])}});m(V,e.element);return}let s=y({autocomplete:`off`}),l=F({title:`我要发言`,submit:`举手`,className:`m-form raise-hand-form`,fields:[N(`topic`,`想说的事（可不填）`,s)],onSubmit:async()=>{let e=(await c(be,{meetingId:a,topic:s.value.trim()||null})).raiseHand;return e.errors.length?e.errors:(e.requestId&&(we(e.requestId),w.some(t=>t.requestId===e.requestId)||w.push({requestId:e.requestId,state:e.state??`WAITING`,topic:s.value})),x.textContent=`已举手，请等候主持人安排`,G(),[])}});m(V,l.element)}let K=r(`ol`,{class:`m-comments`,id:`comment-list`,"aria-live":`polite`}),Oe=!1;function ke(){if(!Oe){Oe=!0;let e=p({rows:`3`}),t=r(`p`,{class:`hint`,"aria-live":`off`},`0 / 500 字`);e.addEventListener(`input`,()=>t.textContent=`${[...e.value].length} / 500 字`);let n=P([[`COMMENT`,`留言`],[`QUESTION`,`提问`]]),i=o?F({title:`发表留言或提问`,submit:`发送`,className:`m-form comment-form`,fields:[N(`kind`,`类型`,n),N(`body`,`内容`,e)],extra:t,onSubmit:async()=>{let r=(await c(ye,{meetingId:a,body:e.value,kind:n.value})).postComment;return r.errors.length?r.errors:(r.comment&&q(r.comment),e.value=``,t.textContent=`0 / 500 字`,x.textContent=`已发送`,[])}}):null;m(b,r(`h2`,{id:`comments-title`},`留言和提问`),i?i.element:r(`p`,{class:`muted`},`登录后可以留言。`),K)}m(K,T.length?T.map(e=>r(`li`,{"data-comment":e.id},r(`span`,{class:`badge`},De[e.kind]??e.kind),e.answeredLive?r(`span`,{class:`badge`},`已现场答复`):null,` `,e.hidden?r(`span`,{class:`muted`},`（该留言已被隐藏）`):e.body,r(`span`,{class:`muted m-when`},u(e.createdAt)))):r(`li`,{class:`muted`},`还没有留言`))}function q(e){T.some(t=>t.id===e.id)||(T.unshift(e),ke())}let Ae=0;async function je(){let t=++Ae,n=await i(pe,{id:a});if(t!==Ae)return;let o=n.node;!o||!(`title`in o)?m(e,r(`h1`,{},`会议不存在或无权查看`),r(`a`,{href:j(`/m/meetings`)},`返回会议列表`)):(S=o,w=o.speakingQueue.map(e=>({requestId:e.id,state:e.state,topic:e.topic})),T.splice(0,T.length,...o.comments.edges.map(e=>e.node)),ne(o),M(),ae(),ce(),de(),G(),ke())}let J;function Y(){clearTimeout(J),J=window.setTimeout(()=>void je().catch(e=>x.textContent=String(e.message??e)),150)}function Me(e){let t=e.data;switch(t.__typename){case`TimerUpdate`:{let e=S?.agenda.find(e=>e.id===t.agendaItemId);e&&Object.assign(e.timer,{status:t.status,deadline:t.deadline,remainingSeconds:t.remainingSeconds,durationSeconds:t.durationSeconds}),k=t.warning===`ONE_MINUTE_LEFT`?`还剩 1 分钟`:t.warning===`TIME_UP`?`发言时间到`:t.status===`RUNNING`&&!t.warning?``:k,ae();return}case`PollTally`:le(t.pollId,t.counts,t.totalVotes);return;case`QueueUpdate`:w=t.queue.map(e=>({requestId:e.requestId,name:e.name,state:e.state,topic:e.topic})),G();return;case`CommentUpdate`:t.change===`POSTED`&&t.body!==null&&t.body!==void 0?q({id:t.commentId,kind:t.kind??`COMMENT`,body:t.body,createdAt:e.at,hidden:!1,answeredLive:!1,parentId:t.parentId??null}):Y();return;case`ParticipantUpdate`:S&&t.change===`CHECKED_IN`&&(S.attendance+=t.participants.length,ne(S));return;case`ScoringTurnout`:e.type===`scoring.counted`&&S?.scoringSheets.some(e=>e.id===t.sheetId&&e.myBallot===`PENDING`)&&Y();return;default:Y()}}let X=null;try{let e=await i(fe,{stream:`meeting:${a}`});await je(),X=ee(me,{meetingId:a,after:e.streamEventPage.headSeq},e=>e.meetingLive.seq,e=>Me(e.meetingLive),e=>x.textContent=e,e=>e.meetingLive.data.__typename===`PollTally`)}catch(e){x.textContent=e instanceof Error?e.message:String(e)}let Z=l(e=>e&&Y());return I=window.setInterval(oe,1e3),e.dataset.live=`1`,()=>{X?.(),Z(),clearInterval(I),clearTimeout(J)}},K=h(`
  query ParticipantMeetings {
    meetings(states: [LIVE, ANNOUNCED], first: 50) {
      edges { node { id title kind mode state startsAt venue { name } } }
    }
  }
`),Oe=async e=>{document.title=`会议 · 议事`;let t=r(`ul`,{class:`m-list`,id:`meeting-list`}),n=y({inputmode:`url`,autocomplete:`off`,spellcheck:`false`}),a=F({title:`通过链接加入会议`,submit:`打开会议`,className:`m-form join-link-form`,fields:[N(`link`,`会议链接`,n,`粘贴收到的会议链接`)],onSubmit:async()=>{let e=/\/m\/meetings\/([^/?#]+)/.exec(n.value.trim());return e?(await T(`/m/meetings/${e[1]}`),[]):[{field:`link`,message:`这不是会议链接，请检查后重新粘贴`}]}});m(e,r(`h1`,{},`会议`),r(`section`,{"aria-label":`正在进行和即将召开的会议`},t),a.element);let o=await i(K,{}),s=W(),c=[...o.meetings.edges].sort((e,t)=>Number(s.has(t.node.id))-Number(s.has(e.node.id))||Number(t.node.state===`LIVE`)-Number(e.node.state===`LIVE`));m(t,c.length?c.map(({node:e})=>r(`li`,{},r(`a`,{class:`m-card`,href:j(`/m/meetings/${encodeURIComponent(e.id)}`),"data-meeting":e.id},r(`span`,{class:`m-card-title`},e.title),r(`span`,{class:`meta`},r(`span`,{class:`badge meeting-${e.state.toLowerCase()}`},_(D,e.state)),s.has(e.id)?r(`span`,{class:`badge`},`已加入`):null,` ${_(A,e.kind)} · ${u(e.startsAt)}`,e.venue?` · ${e.venue.name}`:``)))):r(`li`,{class:`muted`},`现在没有正在进行或即将召开的会议。`)),t.dataset.loaded=`1`},ke=h(`
  mutation ParticipantLogin($input: LoginInput!) {
    login(input: $input) {
      tokens { accessToken accessTokenExpiresAt refreshToken }
      errors { field code message }
    }
  }
`),q=h(`
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
`),Y=`yishi.m.return`;function Me(){return location.pathname.slice(M.length)+location.search}var X,Z,Q,Ne=null;function Pe(){let e=r(`div`,{id:`connection-banner`,class:`banner`,role:`status`,"aria-live":`assertive`},`连接已断开，正在重新连接…`);e.hidden=!0,Ne?.(),Ne=l(t=>{e.hidden=t,document.body.classList.toggle(`offline`,!t)}),Q=r(`header`,{class:`topbar m-topbar`}),Z=r(`main`,{id:`main`,tabindex:`-1`,class:`m-main`}),m(X,r(`div`,{class:`shell m-shell`},Q,e,Z)),Fe()}function Fe(){let e=B();m(Q,r(`a`,{class:`skip`,href:`#main`},`跳到主要内容`),r(`span`,{class:`brand`},`议事`),e?r(`span`,{id:`person-name`},e.name):null,r(`nav`,{"aria-label":`主菜单`,class:`m-nav`},r(`a`,{href:j(`/m/meetings`)},`会议`),e?r(`a`,{href:j(`/m/cases`)},`我的诉求`):null,e?r(`button`,{type:`button`,class:`secondary`,onclick:async()=>{await s(),V(null),$()}},`退出`):r(`a`,{href:j(`/m/signin`)},`登录`)));for(let e of Q.querySelectorAll(`nav a`))location.pathname.startsWith(e.pathname)&&e.setAttribute(`aria-current`,`page`)}async function Ie(e,t){a({county:e,...t}),E(),await Le();let n=sessionStorage.getItem(Y)??`/m/meetings`;sessionStorage.removeItem(Y),Pe(),await T(n,!0)}async function Le(){if(!g())return null;let e=await i(je,{}),t=e.viewer.user;if(!t||!e.viewer.county)return null;n(e.viewer.county.timezone);let r={id:t.id,name:t.displayName,verification:t.verification,county:e.viewer.county.slug};return V(r),r}function $(e){E();let t=y({autocomplete:`organization`,value:I(),spellcheck:`false`}),n=N(`county`,`所属县（区）代码`,t,`通常已在链接里，例如 chengkou`),i=()=>{let e=t.value.trim();return e&&o(e),e||null},a=y({type:`tel`,inputmode:`tel`,autocomplete:`tel`}),s=y({type:`password`,autocomplete:`current-password`}),l=F({title:`用手机号和密码登录`,submit:`登录`,className:`m-form password-form`,fields:[N(`phone`,`手机号`,a),N(`password`,`密码`,s)],onSubmit:async()=>{let e=i();if(!e)return[{message:`请先填写所属县（区）代码`}];let t=await c(ke,{input:{phone:a.value.trim(),password:s.value}});return t.login.tokens?(await Ie(e,t.login.tokens),[]):t.login.errors}}),u=y({type:`tel`,inputmode:`tel`,autocomplete:`tel`}),d=y({inputmode:`numeric`,autocomplete:`one-time-code`,maxlength:`6`}),f=r(`p`,{class:`status`,role:`status`,"aria-live":`polite`}),p=r(`button`,{type:`button`,class:`secondary`,id:`send-code`},`获取验证码`),h=F({title:`用短信验证码登录`,submit:`登录`,className:`m-form sms-form`,fields:[N(`phone`,`手机号`,u),N(`code`,`短信验证码`,d,`6 位数字；新号码登录后即注册为群众账号`)],extra:r(`div`,{},p,f),onSubmit:async()=>{let e=i();if(!e)return[{message:`请先填写所属县（区）代码`}];let t=await c(Ae,{phone:u.value.trim(),code:d.value.trim()});return t.signInWithSmsCode.tokens?(await Ie(e,t.signInWithSmsCode.tokens),[]):t.signInWithSmsCode.errors}});p.addEventListener(`click`,async()=>{if(h.clearErrors(),f.textContent=``,!i())h.showErrors([{message:`请先填写所属县（区）代码`}]);else{p.disabled=!0;try{let e=await c(q,{phone:u.value.trim()});e.requestSmsCode.errors.length?h.showErrors(e.requestSmsCode.errors):f.textContent=`验证码已发送，请查看短信`}catch(e){h.showErrors([{message:e instanceof Error?e.message:String(e)}])}finally{p.disabled=!1}}});let g=r(`div`,{class:`card m-form`},r(`div`,{class:`field`},r(`label`,{for:t.id||=`m-county`},n.label),t,r(`p`,{class:`hint`},n.hint??``))),_=sessionStorage.getItem(Y),v=_?.startsWith(`/m/meetings/`)?r(`p`,{},r(`a`,{class:`button secondary big`,href:j(_),id:`watch-anonymously`,onclick:()=>{i(),sessionStorage.setItem(`yishi.m.anonymous`,`1`)}},`不登录，仅观看会议`)):null;m(X,r(`main`,{id:`main`,class:`signin m-main`},r(`h1`,{},`议事 · 群众参与`),r(`p`,{class:`muted`},`参加会议、投票测评、发言提问，查看自己反映的诉求和答复。`),e?r(`p`,{class:`error`,role:`alert`},e):null,g,l.element,h.element,v)),(t.value?a:t).focus()}async function Re(t){X=t,document.documentElement.classList.add(`m`);let r=I();r&&(o(r),sessionStorage.setItem(`yishi.console.county`,r)),k(`/m`,async()=>void T(`/m/meetings`,!0)),k(`/m/signin`,async()=>$()),k(`/m/meetings`,Oe),k(`/m/meetings/:id`,G),k(`/m/cases`,ce),k(`/m/cases/new`,de),k(`/m/cases/:id`,ue),k(`/m/:unknown`,async()=>void T(`/m/meetings`,!0)),f(()=>{sessionStorage.setItem(Y,Me()),V(null),$(`登录已失效，请重新登录`)}),v(async(e,t)=>{let n=sessionStorage.getItem(`yishi.m.anonymous`)===`1`,r=location.pathname.startsWith(M+`/m/meetings/`);if(location.pathname.replace(/\/$/,``)===`/console/m/signin`){$();return}if(!B()&&!(n&&r)){sessionStorage.setItem(Y,Me()),$();return}Z&&X.contains(Z)||Pe(),Fe(),Z.replaceChildren();let i=await e(Z,t);return Z.focus({preventScroll:!0}),i});let a=g();if(a&&(!r||r===a.county))try{d(),await Le()}catch{e()}else a&&e();if(!B()&&r)try{let e=await i(J,{});e.viewer.county&&n(e.viewer.county.timezone)}catch{}await O()}export{Re as startParticipant};