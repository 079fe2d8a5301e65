import{$ as e,A as t,D as n,F as r,G as i,H as a,I as o,J as s,K as c,L as l,M as u,N as d,O as f,Q as p,R as m,T as h,U as g,V as _,W as v,X as y,Y as b,Z as x,b as S,c as C,d as w,f as T,g as E,i as ee,j as D,k as O,l as k,n as te,o as A,q as j,r as M,s as N,u as P,w as F,x as ne,y as I,z as L}from"./index-CQi2QwT_.js";var R=e(`
  query ParticipantCases($after: String) {
    myCases(first: 20, after: $after) {
      edges { node { id number title kind state effectiveState dueOn dueProvisional receivedAt } }
      pageInfo { hasNextPage endCursor }
    }
  }
`),z=e(`
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
`),B=e(`
  query ParticipantCaseHistory($stream: String!, $after: Int) {
    streamEventPage(stream: $stream, after: $after, first: 100) {
      events { seq type at payload }
      nextAfter hasMore headSeq
    }
  }
`),re=e(`
  subscription ParticipantCaseEvents($stream: String!, $after: Int) {
    events(stream: $stream, after: $after) { seq type at payload }
  }
`),ie=e(`
  mutation ParticipantRate($caseId: ID!, $satisfaction: Satisfaction!, $text: String) {
    rateCase(caseId: $caseId, satisfaction: $satisfaction, text: $text) {
      case { id state reopenCount } errors { field code message }
    }
  }
`),ae=e(`
  mutation ParticipantRaiseCase($input: RaiseCaseInput!) {
    raiseCase(input: $input) { number case { id } errors { field code message } }
  }
`),oe=async e=>{document.title=`我的诉求 · 议事`;let t=o(`ul`,{class:`m-list`,id:`my-cases`}),a=o(`button`,{type:`button`,class:`secondary big`},`加载更多`);a.hidden=!0,r(e,o(`h1`,{},`我的诉求`),o(`p`,{},o(`a`,{class:`button big`,href:C(`/m/cases/new`)},`＋ 反映新的诉求或建议`)),t,a);let s=null;async function c(){let e=await i(R,{after:s});for(let{node:r}of e.myCases.edges)t.append(o(`li`,{},o(`a`,{class:`m-card`,href:C(`/m/cases/${encodeURIComponent(r.id)}`),"data-case":r.id},o(`span`,{class:`m-card-title`},r.title),o(`span`,{class:`meta`},M(r.effectiveState),` ${r.number} · ${n(I,r.kind)} · ${m(r.receivedAt)}`))));t.children.length||t.append(o(`li`,{class:`muted`},`您还没有反映过诉求。`)),s=e.myCases.pageInfo.endCursor??null,a.hidden=!e.myCases.pageInfo.hasNextPage,t.dataset.loaded=`1`}a.addEventListener(`click`,()=>void c()),await c()};function se(e){let t=e.payload??{},r=[];return t.kind&&e.type===`case.replied`&&r.push(n(F,String(t.kind))),t.satisfaction&&r.push(n(h,String(t.satisfaction))),typeof t.text==`string`&&t.text&&r.push(t.text),r.join(` · `)}var ce=async(e,t)=>{let s=t.id,c=o(`div`,{class:`m-head`}),l=o(`section`,{class:`card`}),d=o(`section`,{class:`card`,id:`replies`,"aria-labelledby":`replies-title`}),p=o(`section`,{id:`rating`}),g=o(`ol`,{class:`history`,id:`history`,"aria-live":`polite`}),v=ee();v.id=`case-status`,r(e,o(`p`,{},o(`a`,{href:C(`/m/cases`)},`← 我的诉求`)),c,v,l,d,p,o(`section`,{class:`card`,"aria-labelledby":`history-title`},o(`h2`,{id:`history-title`},`办理进度`),g));let y=[],b=``;function x(){r(g,...y.map(e=>o(`li`,{"data-type":e.type,"data-seq":String(e.seq)},o(`span`,{class:`when`},m(e.at)),` `,o(`strong`,{},n(E,e.type)),se(e)?` · ${se(e)}`:``)))}function S(e){let t=D([[``,`请选择`],[`SATISFIED`,`满意`],[`BASICALLY_SATISFIED`,`基本满意`],[`DISSATISFIED`,`不满意`]]),n=u({rows:`3`});return O({title:`评价办理结果`,submit:`提交评价`,className:`m-form rate-form`,fields:[f(`satisfaction`,`您对办理结果是否满意`,t),f(`text`,`理由（选不满意时必填）`,n,e.reopenCount?`已重新办理过一次，这次不满意将办结并标注。`:`选不满意将退回重新办理一次。`)],onSubmit:async()=>{if(!t.value)return[{field:`satisfaction`,message:`请选择满意程度`}];let e=(await a(ie,{caseId:s,satisfaction:t.value,text:n.value.trim()||null})).rateCase;return e.errors.length?e.errors:(v.textContent=e.case?.state===`CLOSED`?`感谢评价，诉求已办结`:`已提交评价，诉求将重新办理`,await T(),[])}}).element}let w=0;async function T(){let t=++w,a=await i(z,{id:s});if(t!==w)return null;let u=a.node;if(!u||!(`number`in u))return r(e,o(`h1`,{},`诉求不存在或无权查看`),o(`a`,{href:C(`/m/cases`)},`返回我的诉求`)),null;document.title=`${u.number} ${u.title} · 议事`,r(c,o(`h1`,{},u.title),o(`p`,{class:`meta`},M(u.effectiveState),` ${u.number} `,te(u.dueOn,u.dueProvisional))),r(l,o(`dl`,{class:`facts`},o(`dt`,{},`类型`),o(`dd`,{},n(I,u.kind)),o(`dt`,{},`内容`),o(`dd`,{},u.body),o(`dt`,{},`受理时间`),o(`dd`,{},m(u.receivedAt)),o(`dt`,{},`承办单位`),o(`dd`,{},u.handler?.name??`—`),o(`dt`,{},`我的评价`),o(`dd`,{id:`my-rating`},u.satisfaction?n(h,u.satisfaction)+(u.ratingText?`：${u.ratingText}`:``):`—`))),r(d,o(`h2`,{id:`replies-title`},`答复`),u.replies.length?o(`ol`,{class:`plain`},...u.replies.map(e=>o(`li`,{class:`m-reply`,"data-kind":e.kind},o(`strong`,{},n(F,e.kind)),o(`span`,{class:`muted`},` ${m(e.createdAt)}`),o(`p`,{},e.body)))):o(`p`,{class:`muted`},`还没有答复，承办单位办理后会在这里答复您。`));let f=u.effectiveState===`ANSWERED`?`rate/${u.reopenCount}`:`none`;return f!==b&&(b=f,r(p,f===`none`?null:S(u))),u}async function k(e,t){let n=t;for(;;){let t=(await i(B,{stream:e,after:n})).streamEventPage;for(let e of t.events)y.some(t=>t.seq===e.seq)||y.push(e);if(n=t.nextAfter,!t.hasMore)break}return x(),g.dataset.loaded=`1`,n}let A=await T();if(!A)return;let j=await k(A.stream,0),N,P=_(re,{stream:A.stream,after:j},e=>e.events.seq,e=>{e.events.type===`stream.resync`?(y.splice(0),k(A.stream,0).then(T)):y.some(t=>t.seq===e.events.seq)||(y.push(e.events),x(),clearTimeout(N),N=window.setTimeout(()=>void T(),150))},e=>v.textContent=e);return()=>{P(),clearTimeout(N)}},V=async e=>{document.title=`反映诉求 · 议事`;let n=D([[`DEMAND`,`诉求（需要解决的问题）`],[`SUGGESTION`,`建议`],[`CONSULTATION`,`咨询`]]),i=t({autocomplete:`off`}),s=u({rows:`5`}),c=o(`input`,{type:`checkbox`,id:`m-private`}),l=O({title:`反映诉求或建议`,submit:`提交`,className:`m-form raise-case-form`,fields:[f(`kind`,`类型`,n),f(`title`,`标题`,i,`一句话说明，例如：村口路灯不亮`),f(`body`,`具体内容`,s)],extra:o(`div`,{class:`field m-check`},o(`label`,{for:`m-private`},c,` 只涉及我个人（不公开）`)),onSubmit:async()=>{let e=(await a(ae,{input:{channel:`ONLINE`,kind:n.value,title:i.value.trim(),body:s.value.trim(),isPrivate:c.checked,clientKey:crypto.randomUUID?.()??`${Date.now()}`}})).raiseCase;return e.errors.length||!e.case?e.errors:(await k(`/m/cases/${encodeURIComponent(e.case.id)}`),[])}});r(e,o(`p`,{},o(`a`,{href:C(`/m/cases`)},`← 我的诉求`)),o(`h1`,{},`反映诉求`),l.element),i.focus()},H=null;function U(){return H}function W(e){H=e}var le=e(`
  query ParticipantMeetingHead($stream: String!) {
    streamEventPage(stream: $stream, first: 1) { headSeq }
  }
`),ue=e(`
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
`),de=e(`
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
`),fe=e(`
  mutation ParticipantRegister($meetingId: ID!) {
    registerForMeeting(meetingId: $meetingId) { errors { field code message } }
  }
`),pe=e(`
  mutation ParticipantCheckIn($meetingId: ID!) {
    checkIn(meetingId: $meetingId) { errors { field code message } }
  }
`),me=e(`
  mutation ParticipantVote($pollId: ID!, $choices: [Int!]!, $idempotencyKey: String!) {
    castVote(pollId: $pollId, choices: $choices, idempotencyKey: $idempotencyKey) {
      accepted duplicate errors { field code message }
    }
  }
`),he=e(`
  mutation ParticipantScore($sheetId: ID!, $answers: [String!]!) {
    castScoringBallot(sheetId: $sheetId, answers: $answers) { accepted status errors { field code message } }
  }
`),ge=e(`
  mutation ParticipantComment($meetingId: ID!, $body: String!, $kind: CommentKind!) {
    postComment(meetingId: $meetingId, body: $body, kind: $kind) {
      comment { id kind body createdAt hidden answeredLive parentId }
      errors { field code message }
    }
  }
`),_e=e(`
  mutation ParticipantRaiseHand($meetingId: ID!, $topic: String) {
    raiseHand(meetingId: $meetingId, topic: $topic) { requestId state errors { field code message } }
  }
`),ve=e(`
  mutation ParticipantLowerHand($requestId: ID!) {
    updateSpeakingRequest(requestId: $requestId, state: WITHDRAWN) { requestId state errors { field code message } }
  }
`),G=`yishi.m.joined`,K=`yishi.m.hands`;function ye(){return new Set(JSON.parse(sessionStorage.getItem(G)??`[]`))}function be(e){sessionStorage.setItem(G,JSON.stringify([...ye(),e]))}function xe(){return new Set(JSON.parse(sessionStorage.getItem(K)??`[]`))}function Se(e){sessionStorage.setItem(K,JSON.stringify([...xe(),e]))}function Ce(){return crypto.randomUUID?.()??`${Date.now()}-${Math.random()}`}function we(e){let t=Math.max(0,Math.round(e));return`${String(Math.floor(t/60)).padStart(2,`0`)}:${String(t%60).padStart(2,`0`)}`}var Te={COMMENT:`留言`,QUESTION:`提问`},q=async(e,s)=>{let c=s.id,l=U(),p=o(`div`,{class:`m-head`}),h=o(`section`,{class:`card`,id:`join-area`,"aria-label":`参加会议`}),v=o(`section`,{class:`card`,id:`agenda`,"aria-labelledby":`agenda-title`}),y=o(`section`,{id:`polls`,"aria-label":`表决`}),b=o(`section`,{id:`sheets`,"aria-label":`测评`}),x=o(`section`,{class:`card`,id:`hand`,"aria-labelledby":`hand-title`}),w=o(`section`,{class:`card`,id:`comments`,"aria-labelledby":`comments-title`}),E=ee();E.id=`meeting-status`,r(e,o(`p`,{},o(`a`,{href:C(`/m/meetings`)},`← 全部会议`)),p,E,h,v,y,b,x,w);let k=null,te=ye().has(c),A=[],j=[],M=new Map,N=new Map,P=``;function F(e){document.title=`${e.title} · 议事`,r(p,o(`h1`,{},e.title),o(`p`,{class:`meta`},o(`span`,{class:`badge meeting-${e.state.toLowerCase()}`,id:`meeting-state`},n(ne,e.state)),` ${n(S,e.kind)} · ${m(e.startsAt)}`,e.venue?` · ${e.venue.name}`:``,` · 已签到 ${e.attendance} 人`))}function I(){if(!l){r(h,o(`p`,{},`您正在以游客身份观看。投票、测评、留言和举手发言需要登录。`),o(`a`,{class:`button big`,href:C(`/m/signin`)},`登录后参加`));return}if(te){r(h,o(`p`,{id:`joined`},`✓ 您已加入本次会议（已签到）。`));return}let e=O({title:`加入会议`,submit:`加入会议并签到`,className:`m-form join-form`,fields:[],extra:o(`p`,{class:`hint`},`加入后即可投票、测评、留言和举手发言。`),onSubmit:async()=>{let e=(await a(fe,{meetingId:c})).registerForMeeting.errors.filter(e=>e.code!==`ALREADY_REGISTERED`);if(e.length)return e;let t=await a(pe,{meetingId:c});return t.checkIn.errors.length?t.checkIn.errors:(be(c),te=!0,E.textContent=`已加入会议`,I(),[])}});r(h,e.element)}let L;function R(e){return e.agenda.find(e=>e.timer.status===`RUNNING`)??e.agenda.find(e=>e.timer.status===`PAUSED`)??[...e.agenda].reverse().find(e=>e.timer.status===`STOPPED`)??e.agenda[0]??null}let z=o(`p`,{class:`m-timer`,id:`timer`,role:`timer`,"aria-live":`off`});function B(){let e=k?R(k):null;r(v,o(`h2`,{id:`agenda-title`},`当前议程`)),e?(d(v,[o(`p`,{class:`m-item`,id:`current-item`},`${e.position}. ${e.title}`),e.speakerName?o(`p`,{},`发言人：${e.speakerName}`):null,z,P?o(`p`,{class:`error`,role:`alert`,id:`timer-warning`},P):null]),re()):v.append(o(`p`,{class:`muted`},`暂无议程`))}function re(){let e=k?R(k):null;if(!e)return;let t=e.timer,n=t.remainingSeconds??t.durationSeconds;t.status===`RUNNING`&&t.deadline&&(n=(new Date(t.deadline).getTime()-Date.now())/1e3);let r={IDLE:`未开始`,RUNNING:`发言中`,PAUSED:`已暂停`,STOPPED:`已结束`}[t.status]??t.status;z.textContent=`${r} · 剩余 ${we(n)}（共 ${we(t.durationSeconds)}）`,z.dataset.status=t.status}function ie(e,t){let n=e.totalVotes||0;r(t,o(`p`,{class:`m-total`,"data-total":String(n)},`已投 ${n} 票`),o(`ul`,{class:`m-tally`},...e.options.map((t,r)=>o(`li`,{},o(`span`,{},t),o(`meter`,{min:`0`,max:String(Math.max(n,1)),value:String(e.counts[r]??0),"aria-label":`${t} 票数`}),o(`span`,{class:`count`,"data-option":String(r)},`${e.counts[r]??0} 票`)))))}function ae(e){let t=o(`div`,{class:`m-tally-box`,"aria-live":`polite`});ie(e,t);let n=o(`p`,{class:`status`,role:`status`}),r=o(`article`,{class:`card m-poll`,"data-poll":e.id,"data-state":e.state},o(`h2`,{},e.state===`OPEN`?`表决进行中`:`表决结果`),o(`p`,{class:`m-question`},e.question));if(e.state===`OPEN`&&l){let t=e.kind===`MULTIPLE`,i=`poll-${e.id}`,s=e.options.map((e,n)=>o(`label`,{class:`m-choice`},o(`input`,{type:t?`checkbox`:`radio`,name:i,value:String(n)}),o(`span`,{},e))),c=O({title:t?`请选择（最多 ${e.maxChoices} 项）`:`请选择一项`,submit:`投票`,className:`m-form vote-form`,fields:[],extra:o(`fieldset`,{class:`m-choices`},o(`legend`,{class:`sr-only`},e.question),...s),onSubmit:async()=>{let t=s.flatMap((e,t)=>e.querySelector(`input`).checked?[t]:[]);if(!t.length)return[{field:`choices`,message:`请先选择`}];let r=(await a(me,{pollId:e.id,choices:t,idempotencyKey:Ce()})).castVote;return r.errors.length?(n.textContent=``,r.errors):(n.textContent=`✓ 您的投票已记录`,[])}});r.append(c.element,n)}else e.state===`OPEN`&&r.append(o(`p`,{class:`muted`},`登录并加入会议后可以投票。`));return r.append(t),{card:r,tally:t}}function oe(){if(!k)return;let e=k.polls.filter(e=>e.state!==`DRAFT`);for(let t of e){let e=`${t.state}`,n=M.get(t.id);if(n&&n.key===e){ie(t,n.tally);continue}let r=ae(t);n?n.card.replaceWith(r.card):y.prepend(r.card),M.set(t.id,{key:e,...r})}}function se(e,t,n){let r=k?.polls.find(t=>t.id===e);r&&(r.counts=t,r.totalVotes=n,oe())}function ce(e){let r=o(`article`,{class:`card m-sheet`,"data-sheet":e.id,"data-state":e.state,"data-ballot":e.myBallot},o(`h2`,{},`测评：${e.title}`));if(e.state===`OPEN`&&l&&e.myBallot===`NOT_CAST`){let n=e.targets.map((n,r)=>e.scale===`SATISFACTION`?f(`answers.${r}`,n,D([[``,`请选择`],[`满意`,`满意`],[`基本满意`,`基本满意`],[`不满意`,`不满意`]])):f(`answers.${r}`,`${n}（0–100 分）`,t({type:`number`,inputmode:`numeric`,min:`0`,max:`100`}))),i=O({title:`匿名测评票`,submit:`提交测评票`,className:`m-form scoring-form`,fields:n,extra:o(`p`,{class:`hint`},`不记名：票数满 ${e.minBallots} 张后成批计入，提交后不能修改。`),onSubmit:async()=>{let t=n.map(e=>e.control.value.trim()),r=t.findIndex(e=>!e);if(r>=0)return[{field:`answers.${r}`,message:`请对每个测评对象作答`}];let i=await a(he,{sheetId:e.id,answers:t});if(i.castScoringBallot.errors.length)return i.castScoringBallot.errors;let o=k?.scoringSheets.find(t=>t.id===e.id);return o&&(o.myBallot=i.castScoringBallot.status??`PENDING`),E.textContent=`测评票已提交`,V(),[]}});r.append(i.element)}else if(e.state===`OPEN`&&l)r.append(o(`p`,{class:`m-ballot`,id:`ballot-${e.id}`},`✓ 已提交 · ${n(T,e.myBallot)}`));else if(e.state===`OPEN`)r.append(o(`p`,{class:`muted`},`登录并加入会议后可以测评。`));else{let t=e.results;r.append(o(`p`,{},t?.withheld?`测评已结束：参评人数不足，结果不公布。`:`测评已结束，结果见会议记录。`)),l&&e.myBallot!==`NOT_CAST`&&r.append(o(`p`,{class:`m-ballot`,id:`ballot-${e.id}`},`您的测评票：${n(T,e.myBallot)}`))}return r}function V(){if(k)for(let e of k.scoringSheets){let t=`${e.state}/${e.myBallot}`,n=N.get(e.id);if(n&&n.key===t)continue;let r=ce(e);n?n.card.replaceWith(r):b.prepend(r),N.set(e.id,{key:t,card:r})}}let H=o(`p`,{id:`hand-status`,role:`status`,"aria-live":`polite`,class:`m-hand-status`}),W=o(`div`,{}),G=``;function K(){let e=xe();return A.find(t=>e.has(t.requestId)&&(t.state===`WAITING`||t.state===`SPEAKING`))??null}function q(){x.firstChild||r(x,o(`h2`,{id:`hand-title`},`举手发言`),H,W);let e=A.filter(e=>e.state===`WAITING`),n=A.find(e=>e.state===`SPEAKING`),i=K();i?.state===`SPEAKING`?H.textContent=`主持人已请您发言，请开始发言。`:i?H.textContent=`您已举手，排在第 ${e.indexOf(i)+1} 位（共 ${e.length} 人等候）。`:H.textContent=`${n?`正在发言：${n.name??`一位参会人`}。`:``}等候发言 ${e.length} 人。`,H.dataset.state=i?.state??`NONE`;let s=l?i?`mine/${i.requestId}`:`none`:`anon`;if(s===G)return;if(G=s,!l){r(W);return}if(i){let e=O({title:`取消举手`,submit:`放下手（取消发言）`,className:`m-form lower-hand-form`,fields:[],onSubmit:async()=>{let e=await a(ve,{requestId:i.requestId});return e.updateSpeakingRequest.errors.length?e.updateSpeakingRequest.errors:(E.textContent=`已取消举手`,[])}});r(W,e.element);return}let u=t({autocomplete:`off`}),d=O({title:`我要发言`,submit:`举手`,className:`m-form raise-hand-form`,fields:[f(`topic`,`想说的事（可不填）`,u)],onSubmit:async()=>{let e=(await a(_e,{meetingId:c,topic:u.value.trim()||null})).raiseHand;return e.errors.length?e.errors:(e.requestId&&(Se(e.requestId),A.some(t=>t.requestId===e.requestId)||A.push({requestId:e.requestId,state:e.state??`WAITING`,topic:u.value})),E.textContent=`已举手，请等候主持人安排`,q(),[])}});r(W,d.element)}let Ee=o(`ol`,{class:`m-comments`,id:`comment-list`,"aria-live":`polite`}),De=!1;function Oe(){if(!De){De=!0;let e=u({rows:`3`}),t=o(`p`,{class:`hint`,"aria-live":`off`},`0 / 500 字`);e.addEventListener(`input`,()=>t.textContent=`${[...e.value].length} / 500 字`);let n=D([[`COMMENT`,`留言`],[`QUESTION`,`提问`]]),i=l?O({title:`发表留言或提问`,submit:`发送`,className:`m-form comment-form`,fields:[f(`kind`,`类型`,n),f(`body`,`内容`,e)],extra:t,onSubmit:async()=>{let r=(await a(ge,{meetingId:c,body:e.value,kind:n.value})).postComment;return r.errors.length?r.errors:(r.comment&&ke(r.comment),e.value=``,t.textContent=`0 / 500 字`,E.textContent=`已发送`,[])}}):null;r(w,o(`h2`,{id:`comments-title`},`留言和提问`),i?i.element:o(`p`,{class:`muted`},`登录后可以留言。`),Ee)}r(Ee,j.length?j.map(e=>o(`li`,{"data-comment":e.id},o(`span`,{class:`badge`},Te[e.kind]??e.kind),e.answeredLive?o(`span`,{class:`badge`},`已现场答复`):null,` `,e.hidden?o(`span`,{class:`muted`},`（该留言已被隐藏）`):e.body,o(`span`,{class:`muted m-when`},m(e.createdAt)))):o(`li`,{class:`muted`},`还没有留言`))}function ke(e){j.some(t=>t.id===e.id)||(j.unshift(e),Oe())}let Ae=0;async function je(){let t=++Ae,n=await i(ue,{id:c});if(t!==Ae)return;let a=n.node;!a||!(`title`in a)?r(e,o(`h1`,{},`会议不存在或无权查看`),o(`a`,{href:C(`/m/meetings`)},`返回会议列表`)):(k=a,A=a.speakingQueue.map(e=>({requestId:e.id,state:e.state,topic:e.topic})),j.splice(0,j.length,...a.comments.edges.map(e=>e.node)),F(a),I(),B(),oe(),V(),q(),Oe())}let J;function Y(){clearTimeout(J),J=window.setTimeout(()=>void je().catch(e=>E.textContent=String(e.message??e)),150)}function Me(e){let t=e.data;switch(t.__typename){case`TimerUpdate`:{let e=k?.agenda.find(e=>e.id===t.agendaItemId);e&&Object.assign(e.timer,{status:t.status,deadline:t.deadline,remainingSeconds:t.remainingSeconds,durationSeconds:t.durationSeconds}),P=t.warning===`ONE_MINUTE_LEFT`?`还剩 1 分钟`:t.warning===`TIME_UP`?`发言时间到`:t.status===`RUNNING`&&!t.warning?``:P,B();return}case`PollTally`:se(t.pollId,t.counts,t.totalVotes);return;case`QueueUpdate`:A=t.queue.map(e=>({requestId:e.requestId,name:e.name,state:e.state,topic:e.topic})),q();return;case`CommentUpdate`:t.change===`POSTED`&&t.body!==null&&t.body!==void 0?ke({id:t.commentId,kind:t.kind??`COMMENT`,body:t.body,createdAt:e.at,hidden:!1,answeredLive:!1,parentId:t.parentId??null}):Y();return;case`ParticipantUpdate`:k&&t.change===`CHECKED_IN`&&(k.attendance+=t.participants.length,F(k));return;case`ScoringTurnout`:e.type===`scoring.counted`&&k?.scoringSheets.some(e=>e.id===t.sheetId&&e.myBallot===`PENDING`)&&Y();return;default:Y()}}let X=null;try{let e=await i(le,{stream:`meeting:${c}`});await je(),X=_(de,{meetingId:c,after:e.streamEventPage.headSeq},e=>e.meetingLive.seq,e=>Me(e.meetingLive),e=>E.textContent=e,e=>e.meetingLive.data.__typename===`PollTally`)}catch(e){E.textContent=e instanceof Error?e.message:String(e)}let Z=g(e=>e&&Y());return L=window.setInterval(re,1e3),e.dataset.live=`1`,()=>{X?.(),Z(),clearInterval(L),clearTimeout(J)}},Ee=e(`
  query ParticipantMeetings {
    meetings(states: [LIVE, ANNOUNCED], first: 50) {
      edges { node { id title kind mode state startsAt venue { name } } }
    }
  }
`),De=async e=>{document.title=`会议 · 议事`;let a=o(`ul`,{class:`m-list`,id:`meeting-list`}),s=t({inputmode:`url`,autocomplete:`off`,spellcheck:`false`}),c=O({title:`通过链接加入会议`,submit:`打开会议`,className:`m-form join-link-form`,fields:[f(`link`,`会议链接`,s,`粘贴收到的会议链接`)],onSubmit:async()=>{let e=/\/m\/meetings\/([^/?#]+)/.exec(s.value.trim());return e?(await k(`/m/meetings/${e[1]}`),[]):[{field:`link`,message:`这不是会议链接，请检查后重新粘贴`}]}});r(e,o(`h1`,{},`会议`),o(`section`,{"aria-label":`正在进行和即将召开的会议`},a),c.element);let l=await i(Ee,{}),u=ye(),d=[...l.meetings.edges].sort((e,t)=>Number(u.has(t.node.id))-Number(u.has(e.node.id))||Number(t.node.state===`LIVE`)-Number(e.node.state===`LIVE`));r(a,d.length?d.map(({node:e})=>o(`li`,{},o(`a`,{class:`m-card`,href:C(`/m/meetings/${encodeURIComponent(e.id)}`),"data-meeting":e.id},o(`span`,{class:`m-card-title`},e.title),o(`span`,{class:`meta`},o(`span`,{class:`badge meeting-${e.state.toLowerCase()}`},n(ne,e.state)),u.has(e.id)?o(`span`,{class:`badge`},`已加入`):null,` ${n(S,e.kind)} · ${m(e.startsAt)}`,e.venue?` · ${e.venue.name}`:``)))):o(`li`,{class:`muted`},`现在没有正在进行或即将召开的会议。`)),a.dataset.loaded=`1`},Oe=e(`
  mutation ParticipantLogin($input: LoginInput!) {
    login(input: $input) {
      tokens { accessToken accessTokenExpiresAt refreshToken }
      errors { field code message }
    }
  }
`),ke=e(`
  mutation ParticipantSmsCode($phone: String!) {
    requestSmsCode(phone: $phone) { sent errors { field code message } }
  }
`),Ae=e(`
  mutation ParticipantSmsSignIn($phone: String!, $code: String!) {
    signInWithSmsCode(phone: $phone, code: $code) {
      tokens { accessToken accessTokenExpiresAt refreshToken }
      errors { field code message }
    }
  }
`),je=e(`
  query ParticipantViewer {
    viewer { user { id displayName verification } county { name slug timezone } }
  }
`),J=e(`
  query ParticipantCounty {
    viewer { county { name slug timezone } }
  }
`),Y=`yishi.m.return`;function Me(){return location.pathname.slice(A.length)+location.search}var X,Z,Q,Ne=null;function Pe(){let e=o(`div`,{id:`connection-banner`,class:`banner`,role:`status`,"aria-live":`assertive`},`连接已断开，正在重新连接…`);e.hidden=!0,Ne?.(),Ne=g(t=>{e.hidden=t,document.body.classList.toggle(`offline`,!t)}),Q=o(`header`,{class:`topbar m-topbar`}),Z=o(`main`,{id:`main`,tabindex:`-1`,class:`m-main`}),r(X,o(`div`,{class:`shell m-shell`},Q,e,Z)),Fe()}function Fe(){let e=U();r(Q,o(`a`,{class:`skip`,href:`#main`},`跳到主要内容`),o(`span`,{class:`brand`},`议事`),e?o(`span`,{id:`person-name`},e.name):null,o(`nav`,{"aria-label":`主菜单`,class:`m-nav`},o(`a`,{href:C(`/m/meetings`)},`会议`),e?o(`a`,{href:C(`/m/cases`)},`我的诉求`):null,e?o(`button`,{type:`button`,class:`secondary`,onclick:async()=>{await j(),W(null),$()}},`退出`):o(`a`,{href:C(`/m/signin`)},`登录`)));for(let e of Q.querySelectorAll(`nav a`))location.pathname.startsWith(e.pathname)&&e.setAttribute(`aria-current`,`page`)}async function Ie(e,t){p({county:e,...t}),L(),await Le();let n=sessionStorage.getItem(Y)??`/m/meetings`;sessionStorage.removeItem(Y),Pe(),await k(n,!0)}async function Le(){if(!x())return null;let e=await i(je,{}),t=e.viewer.user;if(!t||!e.viewer.county)return null;l(e.viewer.county.timezone);let n={id:t.id,name:t.displayName,verification:t.verification,county:e.viewer.county.slug};return W(n),n}function $(e){L();let n=t({autocomplete:`organization`,value:b(),spellcheck:`false`}),i=f(`county`,`所属县（区）代码`,n,`通常已在链接里，例如 chengkou`),s=()=>{let e=n.value.trim();return e&&c(e),e||null},l=t({type:`tel`,inputmode:`tel`,autocomplete:`tel`}),u=t({type:`password`,autocomplete:`current-password`}),d=O({title:`用手机号和密码登录`,submit:`登录`,className:`m-form password-form`,fields:[f(`phone`,`手机号`,l),f(`password`,`密码`,u)],onSubmit:async()=>{let e=s();if(!e)return[{message:`请先填写所属县（区）代码`}];let t=await a(Oe,{input:{phone:l.value.trim(),password:u.value}});return t.login.tokens?(await Ie(e,t.login.tokens),[]):t.login.errors}}),p=t({type:`tel`,inputmode:`tel`,autocomplete:`tel`}),m=t({inputmode:`numeric`,autocomplete:`one-time-code`,maxlength:`6`}),h=o(`p`,{class:`status`,role:`status`,"aria-live":`polite`}),g=o(`button`,{type:`button`,class:`secondary`,id:`send-code`},`获取验证码`),_=O({title:`用短信验证码登录`,submit:`登录`,className:`m-form sms-form`,fields:[f(`phone`,`手机号`,p),f(`code`,`短信验证码`,m,`6 位数字；新号码登录后即注册为群众账号`)],extra:o(`div`,{},g,h),onSubmit:async()=>{let e=s();if(!e)return[{message:`请先填写所属县（区）代码`}];let t=await a(Ae,{phone:p.value.trim(),code:m.value.trim()});return t.signInWithSmsCode.tokens?(await Ie(e,t.signInWithSmsCode.tokens),[]):t.signInWithSmsCode.errors}});g.addEventListener(`click`,async()=>{if(_.clearErrors(),h.textContent=``,!s())_.showErrors([{message:`请先填写所属县（区）代码`}]);else{g.disabled=!0;try{let e=await a(ke,{phone:p.value.trim()});e.requestSmsCode.errors.length?_.showErrors(e.requestSmsCode.errors):h.textContent=`验证码已发送，请查看短信`}catch(e){_.showErrors([{message:e instanceof Error?e.message:String(e)}])}finally{g.disabled=!1}}});let v=o(`div`,{class:`card m-form`},o(`div`,{class:`field`},o(`label`,{for:n.id||=`m-county`},i.label),n,o(`p`,{class:`hint`},i.hint??``))),y=sessionStorage.getItem(Y),x=y?.startsWith(`/m/meetings/`)?o(`p`,{},o(`a`,{class:`button secondary big`,href:C(y),id:`watch-anonymously`,onclick:()=>{s(),sessionStorage.setItem(`yishi.m.anonymous`,`1`)}},`不登录，仅观看会议`)):null;r(X,o(`main`,{id:`main`,class:`signin m-main`},o(`h1`,{},`议事 · 群众参与`),o(`p`,{class:`muted`},`参加会议、投票测评、发言提问，查看自己反映的诉求和答复。`),e?o(`p`,{class:`error`,role:`alert`},e):null,v,d.element,_.element,x)),(n.value?l:n).focus()}async function Re(e){X=e,document.documentElement.classList.add(`m`);let t=b();t&&(c(t),sessionStorage.setItem(`yishi.console.county`,t)),w(`/m`,async()=>void k(`/m/meetings`,!0)),w(`/m/signin`,async()=>$()),w(`/m/meetings`,De),w(`/m/meetings/:id`,q),w(`/m/cases`,oe),w(`/m/cases/new`,V),w(`/m/cases/:id`,ce),w(`/m/:unknown`,async()=>void k(`/m/meetings`,!0)),s(()=>{sessionStorage.setItem(Y,Me()),W(null),$(`登录已失效，请重新登录`)}),P(async(e,t)=>{let n=sessionStorage.getItem(`yishi.m.anonymous`)===`1`,r=location.pathname.startsWith(A+`/m/meetings/`);if(location.pathname.replace(/\/$/,``)===`/console/m/signin`){$();return}if(!U()&&!(n&&r)){sessionStorage.setItem(Y,Me()),$();return}Z&&X.contains(Z)||Pe(),Fe(),Z.replaceChildren();let i=await e(Z,t);return Z.focus({preventScroll:!0}),i});let n=x();if(n&&(!t||t===n.county))try{v(),await Le()}catch{y()}else n&&y();if(!U()&&t)try{let e=await i(J,{});e.viewer.county&&l(e.viewer.county.timezone)}catch{}await N()}export{Re as startParticipant};