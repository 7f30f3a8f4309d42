import { randomInt } from 'node:crypto';

// apimachinery/pkg/util/rand: no vowels (no bad words), no confusable 0/1/3.
const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';
const MAX_GENERATED_NAME_LENGTH = 63 - 5;

/** generateName + 5 random characters, the base cut to 58 characters (apiserver/pkg/storage/names). */
export function generateName(base: string): string {
  const b = base.length > MAX_GENERATED_NAME_LENGTH ? base.slice(0, MAX_GENERATED_NAME_LENGTH) : base;
  let s = '';
  for (let i = 0; i < 5; i++) s += ALPHANUMS[randomInt(ALPHANUMS.length)];
  return b + s;
}
