import{E as e,T as t,a as n,b as r,f as i,i as a,r as o,x as s,y as c}from"./index-BlLYw1qY.js";var l=e(`
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
`),u=[[`ALL`,`全部`],...Object.entries(n).filter(([e])=>e!==`COLLECTIVE_DECISION`),[`COLLECTIVE_DECISION`,`集体讨论决定`],[`DECIDED`,`已决策`]];function d(e,t){return t===`ALL`?!0:t===`DECIDED`?e.state===`DECIDED`:e.state!==`DECIDED`&&(e.currentStep??``)===t}var f=async e=>{document.title=`重大行政决策 · 议事工作台`;let f=new URLSearchParams(location.search).get(`tab`)??`ALL`,p=r(`ul`,{class:`case-list`,id:`decision-list`}),m=r(`div`,{class:`tabs`,role:`group`,"aria-label":`按步骤筛选`},...u.map(([e,t])=>r(`button`,{type:`button`,"data-tab":e,"aria-pressed":String(e===f),onclick:()=>{history.replaceState(null,``,o(`/decisions?tab=${e}`));for(let t of m.querySelectorAll(`button`))t.setAttribute(`aria-pressed`,String(t.dataset.tab===e));_(e)}},t)));c(e,r(`h1`,{},`重大行政决策跟踪`),m,p);let h=[],g=null;try{for(;;){let e=(await t(l,{after:g})).decisions;if(h.push(...e.edges.map(e=>e.node)),!e.pageInfo.hasNextPage)break;g=e.pageInfo.endCursor??null}}catch(e){c(p,r(`li`,{class:`error`,role:`alert`},e.message));return}function _(e){let t=h.filter(t=>d(t,e));c(p,t.length?t.map(e=>r(`li`,{class:`case-card`,"data-decision":e.id},r(`a`,{class:`case-link`,href:o(`/decisions/${encodeURIComponent(e.id)}`)},e.title),r(`p`,{class:`meta`},r(`span`,{class:`badge state-${e.state.toLowerCase()}`},i(a,e.state)),e.currentStep?r(`span`,{},`当前步骤：${i(n,e.currentStep)}`):null,e.state===`DECIDED`?r(`span`,{},`决策于 ${s(e.decidedAt)}`):e.missingForDecision.length?r(`span`,{class:`badge warn`},`集体讨论决定前尚缺 ${e.missingForDecision.length} 项`):r(`span`,{class:`badge`},`可进入集体讨论决定`)))):r(`li`,{class:`empty`},`没有符合条件的决策事项`)),p.dataset.loaded=e}_(f)};export{f as decisionsPage};