// What a new password must be (NIST SP 800-63B-4 §3.1.1.2): long enough, not a common one, not the username.
// No composition rules (digits, symbols): the standard forbids them, and length is what makes a password strong.
import { MAX_PASSWORD_LENGTH } from './authenticator.js';

export interface PasswordPolicy {
  /** Fewest Unicode code points (config password_policy.min_length). */
  minLength: number;
}

let common: Promise<Set<string>> | undefined;

/**
 * zxcvbn-ts's list of about 49,000 passwords seen most often in breaches, lower-cased. Loaded on first use (about
 * 0.1 s), so commands that set no password do not pay for it.
 */
function commonPasswords(): Promise<Set<string>> {
  common ??= import('@zxcvbn-ts/language-common').then(({ dictionary }) => new Set(dictionary['passwords-common']));
  return common;
}

/** Why the password is refused, as a phrase that follows "password refused: "; undefined when it is acceptable. */
export async function passwordProblem(password: string, username: string, policy: PasswordPolicy): Promise<string | undefined> {
  // NIST counts each code point as one character: "é" or an emoji is one, not two UTF-16 units.
  const length = [...password].length;
  if (length < policy.minLength)
    return `it has ${length} characters, fewer than ${policy.minLength} (password_policy.min_length); a few words make a good one`;
  // Sign-in refuses longer input before hashing; a password it would refuse must not be set.
  if (password.length > MAX_PASSWORD_LENGTH) return `it is longer than ${MAX_PASSWORD_LENGTH} characters, the most sign-in accepts`;
  const folded = password.toLowerCase();
  if (folded === username.toLowerCase()) return 'it is the username';
  // "abcabcabcabcabc", "passwordpassword": a short string repeated adds length without adding guesses.
  if (/^(.{1,8}?)\1+$/su.test(folded)) return 'it is one short string repeated';
  if ((await commonPasswords()).has(folded)) return 'it is on a list of commonly used passwords';
  return undefined;
}
