// Who is signed in, and the units they work for (their staff or admin grants; a
// county-wide grant means the county office, whose inbox is the county's root unit).
import { query } from "./api";
import { setZone } from "./dom";
import { graphql } from "./gql";

const VIEWER = graphql(`
  query ConsoleViewer {
    viewer {
      user { id displayName memberships { role orgUnit { id name kind } } }
      county { name slug timezone }
    }
    orgUnits(kinds: [COUNTY], first: 1) { edges { node { id name kind } } }
  }
`);

export interface Unit {
  id: string;
  name: string;
  kind: string;
}

export interface Viewer {
  userId: string;
  name: string;
  county: string;
  countyName: string;
  countyOffice: boolean; // a county-wide TENANT_ADMIN: 县级管理员 (12345/议事办)
  units: Unit[]; // the inboxes this user may work in
  unit: Unit; // the one chosen
}

let viewer: Viewer | null = null;

export function currentViewer(): Viewer | null {
  return viewer;
}

export function forget(): void {
  viewer = null;
}

const UNIT_KEY = "yishi.console.unit";

export function chooseUnit(id: string): void {
  if (!viewer) return;
  const unit = viewer.units.find((u) => u.id === id);
  if (unit) {
    viewer.unit = unit;
    sessionStorage.setItem(UNIT_KEY, id);
  }
}

export async function loadViewer(): Promise<Viewer> {
  const data = await query(VIEWER, {});
  const user = data.viewer.user;
  if (!user || !data.viewer.county) throw new Error("未登录");
  const root = data.orgUnits.edges[0]?.node;
  const units: Unit[] = [];
  let countyOffice = false;
  for (const m of user.memberships) {
    if (m.role !== "TENANT_ADMIN" && m.role !== "DEPARTMENT_STAFF") continue;
    const unit = m.orgUnit ?? root;
    if (!m.orgUnit && m.role === "TENANT_ADMIN") countyOffice = true;
    if (unit && !units.some((u) => u.id === unit.id)) units.push({ id: unit.id, name: unit.name, kind: unit.kind });
  }
  if (!units.length) throw new Error("此账号没有承办单位或县级管理员权限，不能使用工作台");
  setZone(data.viewer.county.timezone);
  const remembered = sessionStorage.getItem(UNIT_KEY);
  viewer = {
    userId: user.id,
    name: user.displayName,
    county: data.viewer.county.slug,
    countyName: data.viewer.county.name,
    countyOffice,
    units,
    unit: units.find((u) => u.id === remembered) ?? units[0],
  };
  return viewer;
}
