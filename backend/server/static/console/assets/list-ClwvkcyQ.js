import{E as e,F as t,L as n,P as r,Q as i,W as a,f as o,p as s,s as c}from"./index-k1r2ly6I.js";var l=i(`
  query DecisionList($after: String) {
    decisions(first: 100, after: $after) {
      edges {
        node {
          id title state currentStep createdAt decidedAt leadUnitId
          missingForDecision { code }
        }
      }
      pageInfo { hasNextPage endCursor }
    }
  }
`),u=[[`ALL`,`全部`],...Object.entries(s).filter(([e])=>e!==`COLLECTIVE_DECISION`),[`COLLECTIVE_DECISION`,`集体讨论决定`],[`DECIDED`,`已决策`]];function d(e,t){return t===`ALL`?!0:t===`DECIDED`?e.state===`DECIDED`:e.state!==`DECIDED`&&(e.currentStep??``)===t}var f=async i=>{document.title=`重大行政决策 · 议事工作台`;let f=new URLSearchParams(location.search).get(`tab`)??`ALL`,p=t(`ul`,{class:`case-list`,id:`decision-list`}),m=t(`div`,{class:`tabs`,role:`group`,"aria-label":`按步骤筛选`},...u.map(([e,n])=>t(`button`,{type:`button`,"data-tab":e,"aria-pressed":String(e===f),onclick:()=>{history.replaceState(null,``,c(`/decisions?tab=${e}`));for(let t of m.querySelectorAll(`button`))t.setAttribute(`aria-pressed`,String(t.dataset.tab===e));_(e)}},n)));r(i,t(`h1`,{},`重大行政决策跟踪`),m,p);let h=[],g=null;try{for(;;){let e=(await a(l,{after:g})).decisions;if(h.push(...e.edges.map(e=>e.node)),!e.pageInfo.hasNextPage)break;g=e.pageInfo.endCursor??null}}catch(e){r(p,t(`li`,{class:`error`,role:`alert`},e.message));return}function _(i){let a=h.filter(e=>d(e,i));r(p,a.length?a.map(r=>t(`li`,{class:`case-card`,"data-decision":r.id},t(`a`,{class:`case-link`,href:c(`/decisions/${encodeURIComponent(r.id)}`)},r.title),t(`p`,{class:`meta`},t(`span`,{class:`badge state-${r.state.toLowerCase()}`},e(o,r.state)),r.currentStep?t(`span`,{},`当前步骤：${e(s,r.currentStep)}`):null,r.state===`DECIDED`?t(`span`,{},`决策于 ${n(r.decidedAt)}`):r.missingForDecision.length?t(`span`,{class:`badge warn`},`集体讨论决定前尚缺 ${r.missingForDecision.length} 项`):t(`span`,{class:`badge`},`可进入集体讨论决定`)))):t(`li`,{class:`empty`},`没有符合条件的决策事项`)),p.dataset.loaded=i}_(f)};export{f as decisionsPage};