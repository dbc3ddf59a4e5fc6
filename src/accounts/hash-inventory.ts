// Which kinds of password hash (algorithm and parameters) the accounts hold, how many of each, and how many await rehashing.
import type { Collection } from 'mongodb';
import type { AccountDocument } from './account-store.js';
import { needsRehash, type HashingPolicy } from './password.js';

/** Hash kind (the text before the salt, e.g. `$scrypt$N=131072,r=8,p=1`) → number of accounts with it. */
export type HashInventory = Map<string, number>;

/**
 * Counted by the database in one aggregation, without reading any hash out: a scrypt kind is the first three
 * `$`-separated fields of the hash, an argon2id kind the first four ('$' is a $literal: a bare '$' would be a field
 * path). Accounts without a local password ("!") are left out.
 */
export async function hashInventory(accounts: Collection<AccountDocument>): Promise<HashInventory> {
  const rows = await accounts
    .aggregate<{ _id: string[]; count: number }>([
      { $match: { passwordHash: { $regex: '^\\$(argon2id|scrypt)\\$' } } },
      { $project: { _id: 0, parts: { $split: ['$passwordHash', { $literal: '$' }] } } },
      {
        $group: {
          _id: { $slice: ['$parts', { $cond: [{ $eq: [{ $arrayElemAt: ['$parts', 1] }, 'scrypt'] }, 3, 4] }] },
          count: { $sum: 1 },
        },
      },
    ])
    .toArray();
  return new Map(rows.map((row) => [row._id.join('$'), row.count]));
}

/** Local password hashes that the next sign-in will rehash under `policy` (another algorithm or a weaker parameter). */
export function awaitingRehash(inventory: HashInventory, policy: HashingPolicy): number {
  let count = 0;
  for (const [kind, accounts] of inventory) if (needsRehash(kind, policy)) count += accounts;
  return count;
}

/** For `gatehouse doctor`: how many local password hashes still await rehashing under the configured policy. */
export async function rehashFinding(
  accounts: Collection<AccountDocument>,
  policy: HashingPolicy,
): Promise<{ level: 'ok' | 'warn'; what: string; fix?: string }> {
  const inventory = await hashInventory(accounts);
  const waiting = awaitingRehash(inventory, policy);
  if (waiting === 0) return { level: 'ok', what: `password hashes: all ${policy.algorithm} at the configured parameters or stronger` };
  const kinds = [...inventory.keys()].filter((kind) => needsRehash(kind, policy));
  return {
    level: 'warn',
    what:
      `password hashes: ${waiting} await rehashing (${kinds.join(', ')}); ` +
      'until they are gone, each refused sign-in also verifies a decoy of their kind',
    fix: "nothing to run: each is rehashed at its user's next sign-in (`gatehouse user passwd` replaces one now)",
  };
}
