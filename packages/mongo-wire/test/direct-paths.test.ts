// The filters and updates answered without mingo give what mingo gives, through the real driver; mingo is the oracle.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import type { Document } from 'mongodb';
import { Query, updateOne } from 'mingo';
import { directMatcher } from '../src/direct-filter.js';
import { applySimpleUpdate } from '../src/simple-update.js';
import { startHarness, type Harness } from './harness.js';

type Keyed = { _id: string; [field: string]: unknown };
/** A counter document, as rate-limiter-flexible keeps them; `points` typed so the driver's types accept $inc. */
type Counted = { _id?: string; key?: string; expire?: Date | null; points?: number };

const past = new Date('2020-01-01T00:00:00Z');
const now = new Date('2026-01-01T00:00:00Z');
const future = new Date('2030-01-01T00:00:00Z');

/** Every shape the direct filters distinguish: missing, null, dates either side, arrays, other types, nesting. */
const CORPUS: Keyed[] = [
  { _id: 'missing', key: 'a' },
  { _id: 'null', key: 'a', expire: null },
  { _id: 'past', key: 'a', expire: past },
  { _id: 'now', key: 'b', expire: now },
  { _id: 'future', key: 'b', expire: future },
  { _id: 'dates', key: ['a', 'c'], expire: [past, future] },
  { _id: 'with-null', key: 'c', expire: [past, null] },
  { _id: 'string', key: 'c', expire: '2030-01-01' },
  { _id: 'number', key: 'd', expire: future.getTime() },
  { _id: 'nested', key: 'd', payload: { expire: future, grantId: 'g1' } },
  { _id: 'nested-array', key: 'e', payload: [{ expire: past }, { expire: future, grantId: 'g1' }] },
];

const FILTERS: Document[] = [
  { key: 'a' },
  { key: 'c', expire: past },
  { expire: null },
  { expire: { $eq: null } },
  { expire: { $gt: now } },
  { expire: { $gte: now } },
  { expire: { $lt: now } },
  { expire: { $lte: now } },
  { expire: { $gt: past, $lt: future } },
  { 'payload.expire': { $gt: now } },
  { 'payload.grantId': 'g1' },
  { $or: [{ expire: { $gt: now } }, { expire: { $eq: null } }] },
  { key: 'a', $or: [{ expire: { $gt: now } }, { expire: { $eq: null } }] },
  { $and: [{ key: 'b' }, { expire: { $lte: now } }] },
  { $or: [{}, { key: 'z' }] },
  { $or: [{ key: 'd' }, { $and: [{ key: 'b' }, { expire: { $gt: now } }] }] },
];

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
  await h.db.collection<Keyed>('corpus').insertMany(CORPUS);
});
afterAll(async () => {
  await h.close();
});

/** A copy made in this realm: structuredClone's objects fail the server's plain-object checks under jest's VM modules. */
const copy = (doc: Document): Document => JSON.parse(JSON.stringify(doc)) as Document;
const ids = (docs: Document[]) => docs.map((doc) => String(doc._id)).sort();

describe('filters matched without mingo', () => {
  it.each(FILTERS.map((filter) => [JSON.stringify(filter), filter] as const))('%s matches what mingo matches', async (_, filter) => {
    // The filter takes the direct path (else this test would compare mingo with itself).
    expect(directMatcher(filter)).toBeDefined();
    const served = await h.db.collection<Keyed>('corpus').find(filter).toArray();
    const oracle = new Query(filter).find(CORPUS).all() as Document[];
    expect(ids(served)).toEqual(ids(oracle));
    expect(served.length).toBeGreaterThan(0);
  });

  it('leaves other filters to mingo, which still answers them', async () => {
    for (const filter of [
      { 'payload.expire': null },
      { expire: { $gt: 5 } },
      { key: { $in: ['a'] } },
      { $or: [] },
      { $nor: [{ key: 'a' }] },
    ]) {
      expect(directMatcher(filter)).toBeUndefined();
    }
    const served = await h.db.collection<Keyed>('corpus').find({ 'payload.expire': null }).toArray();
    expect(ids(served)).toEqual(ids(new Query({ 'payload.expire': null }).find(CORPUS).all() as Document[]));
  });
});

describe('$inc without mingo', () => {
  const cases: Array<[string, Document, Document]> = [
    ['an existing number', { _id: 'i', points: 2 }, { $inc: { points: 3 } }],
    ['a missing field', { _id: 'i' }, { $inc: { points: -1 } }],
    ['a nested path, created', { _id: 'i', stats: { seen: 1 } }, { $inc: { 'stats.seen': 1, 'stats.failed': 1 } }],
    ['a fraction', { _id: 'i', points: 1 }, { $inc: { points: 0.5 } }],
    ['with $set and $unset', { _id: 'i', points: 1, gone: true }, { $inc: { points: 1 }, $set: { key: 'k' }, $unset: { gone: '' } }],
  ];

  it.each(cases)('on %s gives what mingo gives', async (_, stored, update) => {
    expect(applySimpleUpdate(copy(stored), update)).toBe(true);
    const coll = h.db.collection<Keyed>('increments');
    await coll.deleteMany({});
    await coll.insertOne(copy(stored) as Keyed);
    await coll.updateOne({ _id: 'i' }, update);
    const oracle = [copy(stored)];
    updateOne(oracle, {}, update as never);
    expect(await coll.findOne({ _id: 'i' })).toEqual(oracle[0]);
  });

  it('counts a rate limiter upsert: created at 1, then incremented, the date kept', async () => {
    const coll = h.db.collection<Counted>('limiter');
    const filter = { key: 'user|ip', $or: [{ expire: { $gt: now } }, { expire: { $eq: null } }] };
    const update = { $setOnInsert: { key: 'user|ip', expire: future }, $inc: { points: 1 } };
    const first = await coll.findOneAndUpdate(filter, update, { upsert: true, returnDocument: 'after' });
    const second = await coll.findOneAndUpdate(filter, update, { upsert: true, returnDocument: 'after' });
    expect(first).toMatchObject({ key: 'user|ip', expire: future, points: 1 });
    expect(second).toEqual({ ...first, points: 2 });
    expect(await coll.countDocuments()).toBe(1);
  });

  it('refuses to increment a field that is not a number, as mongod does, and changes nothing', async () => {
    expect(applySimpleUpdate({ _id: 'i', points: 1 }, { $inc: { points: '1' } })).toBe(false);
    const stored = h.db.collection<Keyed>('increments');
    await stored.deleteMany({});
    await stored.insertOne({ _id: 'i', points: 'two' });
    const counted = h.db.collection<Counted>('increments');
    await expect(counted.updateOne({ _id: 'i' }, { $inc: { points: 1 } })).rejects.toMatchObject({ code: 14 });
    expect(await stored.findOne({ _id: 'i' })).toEqual({ _id: 'i', points: 'two' });
  });
});
