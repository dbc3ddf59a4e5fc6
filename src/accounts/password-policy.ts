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

/** Why a password is refused: the reason, and the numbers a message about it names. */
export type PasswordProblem =
  | { reason: 'tooShort'; length: string; min: string }
  | { reason: 'tooLong'; max: string }
  | { reason: 'username' | 'repeated' | 'common' };

/** Why the password is refused, or undefined when it is acceptable; pages word it in their language. */
export async function checkPassword(password: string, username: string, policy: PasswordPolicy): Promise<PasswordProblem | undefined> {
  // NIST counts each code point as one character: "é" or an emoji is one, not two UTF-16 units.
  const length = [...password].length;
  if (length < policy.minLength) return { reason: 'tooShort', length: String(length), min: String(policy.minLength) };
  // Sign-in refuses longer input before hashing; a password it would refuse must not be set.
  if (password.length > MAX_PASSWORD_LENGTH) return { reason: 'tooLong', max: String(MAX_PASSWORD_LENGTH) };
  const folded = password.toLowerCase();
  if (folded === username.toLowerCase()) return { reason: 'username' };
  // "abcabcabcabcabc", "passwordpassword": a short string repeated adds length without adding guesses.
  if (/^(.{1,8}?)\1+$/su.test(folded)) return { reason: 'repeated' };
  if ((await commonPasswords()).has(folded)) return { reason: 'common' };
  return undefined;
}

/** Why the password is refused, for the admin at the CLI, as a phrase that follows "password refused: ". */
function describePasswordProblem(problem: PasswordProblem): string {
  switch (problem.reason) {
    case 'tooShort':
      return `it has ${problem.length} characters, fewer than ${problem.min} (password_policy.min_length); a few words make a good one`;
    case 'tooLong':
      return `it is longer than ${problem.max} characters, the most sign-in accepts`;
    case 'username':
      return 'it is the username';
    case 'repeated':
      return 'it is one short string repeated';
    case 'common':
      return 'it is on a list of commonly used passwords';
  }
}

/** Why the password is refused, in the CLI's words; undefined when it is acceptable. */
export async function passwordProblem(password: string, username: string, policy: PasswordPolicy): Promise<string | undefined> {
  const problem = await checkPassword(password, username, policy);
  return problem && describePasswordProblem(problem);
}
