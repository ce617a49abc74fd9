// Type-level check of the generated client (api.d.ts): a body type is bad when it is, or holds
// anywhere inside it, `unknown` (or `any`) or `never`. The test appends one line per operation,
// status and media type; tsc then names each bad one by its line.
import type { operations } from "./api";

type Skalar = string | number | boolean | bigint | symbol | null | undefined;
type Daarlig<T, D extends unknown[] = []> =
  D["length"] extends 12 ? false :
  [T] extends [never] ? true :
  unknown extends T ? true :
  T extends Skalar ? false :
  T extends readonly (infer E)[] ? Daarlig<E, [...D, 0]> :
  true extends { [K in keyof T]-?: Daarlig<T[K], [...D, 0]> }[keyof T] ? true : false;
type Sjekk<T> = true extends Daarlig<T> ? "unknown eller never" : "ok";

// The check itself must catch what it is for (else every line below passes vacuously).
const _kontroll_unknown: Sjekk<{ a: { [key: string]: unknown } }> = "unknown eller never";
const _kontroll_never: Sjekk<never> = "unknown eller never";
const _kontroll_tom: Sjekk<Record<string, never>> = "unknown eller never";
const _kontroll_ok: Sjekk<{ a: string[]; b: { c: number | null } }> = "ok";
