// Who is signed in on the participant pages (any account of the county: 群众 mostly).
export interface Person {
  id: string;
  name: string;
  verification: string;
  county: string;
}

let current: Person | null = null;

export function person(): Person | null {
  return current;
}

export function setPerson(p: Person | null): void {
  current = p;
}
