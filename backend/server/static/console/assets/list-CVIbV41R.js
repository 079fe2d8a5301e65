import{$ as e,D as t,F as n,G as r,I as i,R as a,a as o,c as s,m as c,p as l}from"./index-CQi2QwT_.js";var u=e(`
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
`),d=[[`ALL`,`全部`],...Object.entries(c).filter(([e])=>e!==`COLLECTIVE_DECISION`),[`COLLECTIVE_DECISION`,`集体讨论决定`],[`DECIDED`,`已决策`]];function f(e,t){return t===`ALL`?!0:t===`DECIDED`?e.state===`DECIDED`:e.state!==`DECIDED`&&(e.currentStep??``)===t}var p=async e=>{document.title=`重大行政决策 · 议事工作台`;let p=new URLSearchParams(location.search).get(`tab`)??`ALL`,m=i(`ul`,{class:`case-list`,id:`decision-list`}),h=o(`按步骤筛选`,d.map(([e,t])=>({key:e,title:t})),p,v,{url:e=>s(`/decisions?tab=${e}`)});n(e,i(`h1`,{},`重大行政决策跟踪`),h,m);let g=[],_=null;try{for(;;){let e=(await r(u,{after:_})).decisions;if(g.push(...e.edges.map(e=>e.node)),!e.pageInfo.hasNextPage)break;_=e.pageInfo.endCursor??null}}catch(e){n(m,i(`li`,{class:`error`,role:`alert`},e.message));return}function v(e){let r=g.filter(t=>f(t,e));n(m,r.length?r.map(e=>i(`li`,{class:`case-card`,"data-decision":e.id},i(`a`,{class:`case-link`,href:s(`/decisions/${encodeURIComponent(e.id)}`)},e.title),i(`p`,{class:`meta`},i(`span`,{class:`badge state-${e.state.toLowerCase()}`},t(l,e.state)),e.currentStep?i(`span`,{},`当前步骤：${t(c,e.currentStep)}`):null,e.state===`DECIDED`?i(`span`,{},`决策于 ${a(e.decidedAt)}`):e.missingForDecision.length?i(`span`,{class:`badge warn`},`集体讨论决定前尚缺 ${e.missingForDecision.length} 项`):i(`span`,{class:`badge`},`可进入集体讨论决定`)))):i(`li`,{class:`empty`},`没有符合条件的决策事项`)),m.dataset.loaded=e}v(p)};export{p as decisionsPage};