// The administration section (县级管理员): its pages, routed from main.ts.
export { auditPage } from "./audit";
export { orgPage } from "./org";
export { peoplePage } from "./people";
export { rulesPage } from "./rules";
export { venuesPage } from "./venues";
