// CRUD through the real driver: round trips, query shaping, cursors, upserts, findOneAndUpdate, deletes.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { Binary, ObjectId, type CommandStartedEvent, type Document } from 'mongodb';
import { startHarness, type Harness } from './harness.js';

/** Documents keyed by readable string ids, as Gatehouse's oidc-provider models are. */
type Keyed = { _id: string; [field: string]: unknown };

let h: Harness;
const started: CommandStartedEvent[] = [];

beforeAll(async () => {
  h = await startHarness({}, { monitorCommands: true });
  h.client.on('commandStarted', (event) => started.push(event));
});
afterAll(async () => {
  await h.close();
});

describe('document round trips', () => {
  it('stores nested objects, arrays, Dates, ObjectIds and Binary faithfully', async () => {
    const when = new Date('2024-05-01T12:34:56.789Z');
    const ref = new ObjectId();
    const doc = {
      _id: 'rt-1',
      profile: { name: 'Ada', tags: ['a', 'b'], nested: { deep: [1, { x: when }] } },
      createdAt: when,
      ref,
      blob: new Binary(Buffer.from([0, 1, 2, 255])),
      empty: {},
      nothing: null,
    };
    await h.db.collection<Keyed>('rt').insertOne(doc);
    const back = await h.db.collection<Keyed>('rt').findOne({ _id: 'rt-1' });
    expect(back).not.toBeNull();
    expect(back?.createdAt).toBeInstanceOf(Date);
    expect((back!.createdAt as Date).getTime()).toBe(when.getTime());
    expect((back!.ref as ObjectId).equals(ref)).toBe(true);
    expect(Buffer.from((back!.blob as Binary).value())).toEqual(Buffer.from([0, 1, 2, 255]));
    expect(back?.profile).toEqual({ name: 'Ada', tags: ['a', 'b'], nested: { deep: [1, { x: when }] } });
    expect(back?.empty).toEqual({});
    expect(back?.nothing).toBeNull();
  });

  it('generates an ObjectId _id when the document has none', async () => {
    const result = await h.db.collection('rt').insertOne({ plain: true });
    const back = await h.db.collection('rt').findOne({ _id: result.insertedId });
    expect(back?._id).toBeInstanceOf(ObjectId);
    expect(back?.plain).toBe(true);
  });

  it('matches by nested field, $in over ObjectIds and Date ranges', async () => {
    const coll = h.db.collection('match');
    const ids = [new ObjectId(), new ObjectId(), new ObjectId()];
    await coll.insertMany(ids.map((_id, i) => ({ _id, at: new Date(2024, 0, i + 1), meta: { kind: i % 2 ? 'odd' : 'even' } })));
    expect(await coll.countDocuments({ _id: { $in: [ids[0], ids[2]] } })).toBe(2);
    expect(await coll.countDocuments({ 'meta.kind': 'even' })).toBe(2);
    expect(await coll.countDocuments({ at: { $gte: new Date(2024, 0, 2) } })).toBe(2);
  });
});

describe('query shaping', () => {
  beforeAll(async () => {
    await h.db
      .collection<{ _id: string; n: number; group: number; secret: string }>('shape')
      .insertMany(Array.from({ length: 10 }, (_, i) => ({ _id: `s${i}`, n: (i * 7) % 10, group: i % 3, secret: 'x' })));
  });

  it('sorts, skips and limits in that order', async () => {
    const docs = await h.db
      .collection('shape')
      .find({}, { sort: { n: -1 }, skip: 2, limit: 3 })
      .toArray();
    expect(docs.map((d) => d.n)).toEqual([7, 6, 5]);
  });

  it('applies inclusion and exclusion projections', async () => {
    const included = await h.db
      .collection('shape')
      .find({ group: 0 }, { projection: { n: 1, _id: 0 }, sort: { n: 1 } })
      .toArray();
    expect(included).toEqual([{ n: 0 }, { n: 1 }, { n: 2 }, { n: 3 }]);
    const excluded = await h.db.collection<Keyed>('shape').findOne({ _id: 's1' }, { projection: { secret: 0 } });
    expect(excluded).toEqual({ _id: 's1', n: 7, group: 1 });
  });

  it('counts with countDocuments, with and without a filter', async () => {
    expect(await h.db.collection('shape').countDocuments()).toBe(10);
    expect(await h.db.collection('shape').countDocuments({ group: 1 })).toBe(3);
    expect(await h.db.collection('shape').countDocuments({ group: 1 }, { limit: 2 })).toBe(2);
    expect(await h.db.collection('absent').countDocuments()).toBe(0);
  });
});

describe('cursors', () => {
  beforeAll(async () => {
    await h.db.collection('many').insertMany(Array.from({ length: 250 }, (_, i) => ({ i })));
  });

  it('returns every document across getMore batches', async () => {
    started.length = 0;
    const docs = await h.db.collection('many').find({}, { batchSize: 100 }).toArray();
    expect(docs).toHaveLength(250);
    expect(new Set(docs.map((d) => d.i)).size).toBe(250);
    const getMores = started.filter((e) => e.commandName === 'getMore');
    expect(getMores).toHaveLength(2);
  });

  it('uses the default first batch of 101 when no batchSize is given', async () => {
    started.length = 0;
    const cursor = h.db.collection('many').find({});
    await cursor.next();
    expect(cursor.bufferedCount()).toBe(100);
    await cursor.close();
  });

  it('kills a cursor on close, after which getMore reports CursorNotFound', async () => {
    const cursor = h.db.collection('many').find({}, { batchSize: 10 });
    await cursor.next();
    const id = cursor.id;
    expect(id?.isZero()).toBe(false);
    await cursor.close();
    expect(started.some((e) => e.commandName === 'killCursors')).toBe(true);
    await expect(h.db.command({ getMore: id, collection: 'many' })).rejects.toMatchObject({ code: 43 });
  });
});

describe('updates', () => {
  it('upserts with $setOnInsert on insert, and ignores it on update', async () => {
    const coll = h.db.collection<Keyed>('upserts');
    const first = await coll.updateOne(
      { _id: 'u1', tenant: 'acme' },
      { $set: { seen: 1 }, $setOnInsert: { createdBy: 'first' } },
      { upsert: true },
    );
    expect(first.upsertedId).toBe('u1');
    expect(first.upsertedCount).toBe(1);
    expect(await coll.findOne({ _id: 'u1' })).toEqual({ _id: 'u1', tenant: 'acme', seen: 1, createdBy: 'first' });

    const second = await coll.updateOne({ _id: 'u1' }, { $set: { seen: 2 }, $setOnInsert: { createdBy: 'second' } }, { upsert: true });
    expect(second.upsertedCount).toBe(0);
    expect(second.matchedCount).toBe(1);
    expect(second.modifiedCount).toBe(1);
    expect(await coll.findOne({ _id: 'u1' })).toEqual({ _id: 'u1', tenant: 'acme', seen: 2, createdBy: 'first' });
  });

  it('reports nModified 0 when the update changes nothing', async () => {
    const coll = h.db.collection<Keyed>('upserts');
    await coll.insertOne({ _id: 'same', v: 1 });
    const result = await coll.updateOne({ _id: 'same' }, { $set: { v: 1 } });
    expect(result.matchedCount).toBe(1);
    expect(result.modifiedCount).toBe(0);
  });

  it('updates many with $inc and $push, and replaces whole documents keeping _id', async () => {
    const coll = h.db.collection<{ k: string; n?: number; list?: string[]; replaced?: boolean }>('multi');
    await coll.insertMany([
      { k: 'a', n: 1, list: [] },
      { k: 'a', n: 2, list: [] },
      { k: 'b', n: 3, list: [] },
    ]);
    const many = await coll.updateMany({ k: 'a' }, { $inc: { n: 10 }, $push: { list: 'x' } });
    expect(many.modifiedCount).toBe(2);
    expect((await coll.find({ k: 'a' }).sort({ n: 1 }).toArray()).map((d) => [d.n, d.list])).toEqual([
      [11, ['x']],
      [12, ['x']],
    ]);

    const before = await coll.findOne({ k: 'b' });
    await coll.replaceOne({ k: 'b' }, { k: 'c', replaced: true });
    const after = await coll.findOne({ k: 'c' });
    expect(after).toEqual({ _id: before?._id, k: 'c', replaced: true });
  });

  it('$set and $unset nested paths create and remove sub-documents; a path through a scalar is refused and changes nothing', async () => {
    const coll = h.db.collection<Keyed>('nested-set');
    await coll.insertOne({ _id: 'n', payload: { kept: 1, gone: 2 }, label: 'text', list: [1, 2] });
    await coll.updateOne(
      { _id: 'n' },
      { $set: { 'payload.deep.er': { at: new Date(0) }, top: [1, { x: 'y' }] }, $unset: { 'payload.gone': '', 'missing.path': '' } },
    );
    expect(await coll.findOne({ _id: 'n' })).toEqual({
      _id: 'n',
      payload: { kept: 1, deep: { er: { at: new Date(0) } } },
      label: 'text',
      list: [1, 2],
      top: [1, { x: 'y' }],
    });
    const before = await coll.findOne({ _id: 'n' });
    await expect(coll.updateOne({ _id: 'n' }, { $set: { 'payload.kept': 3, 'label.inner': 1 } })).rejects.toThrow();
    await expect(coll.updateOne({ _id: 'n' }, { $set: { payload: 1, 'payload.kept': 2 } })).rejects.toThrow();
    expect(await coll.findOne({ _id: 'n' })).toEqual(before);
    // Numeric segments address array elements, as mongod does.
    await coll.updateOne({ _id: 'n' }, { $set: { 'list.1': 5 } });
    expect((await coll.findOne({ _id: 'n' }))?.list).toEqual([1, 5]);
  });

  it('refuses an update that would change _id', async () => {
    const coll = h.db.collection<Keyed>('immutable');
    await coll.insertOne({ _id: 'keep', v: 1 });
    await expect(coll.updateOne({ _id: 'keep' }, { $set: { _id: 'other' } })).rejects.toMatchObject({ code: 66 });
    expect(await coll.countDocuments({ _id: 'keep' })).toBe(1);
  });

  it('applies arrayFilters', async () => {
    const coll = h.db.collection<Keyed>('arrays');
    await coll.insertOne({ _id: 'af', grades: [80, 95, 100] });
    await coll.updateOne({ _id: 'af' }, { $set: { 'grades.$[g]': 0 } }, { arrayFilters: [{ g: { $gte: 95 } }] });
    expect((await coll.findOne({ _id: 'af' }))?.grades).toEqual([80, 0, 0]);
  });
  it('supports the positional $ operator and pipeline-style updates', async () => {
    const coll = h.db.collection<{ _id: string; items: Array<{ sku: string; qty: number }>; total?: number }>('positional');
    await coll.insertOne({
      _id: 'p',
      items: [
        { sku: 'a', qty: 1 },
        { sku: 'b', qty: 2 },
      ],
    });
    await coll.updateOne({ _id: 'p', 'items.sku': 'b' }, { $inc: { 'items.$.qty': 5 } });
    await coll.updateOne({ _id: 'p' }, [{ $set: { total: { $sum: '$items.qty' } } }]);
    expect(await coll.findOne({ _id: 'p' })).toEqual({
      _id: 'p',
      items: [
        { sku: 'a', qty: 1 },
        { sku: 'b', qty: 7 },
      ],
      total: 8,
    });
  });
});

describe('findOneAndUpdate / findOneAndDelete', () => {
  it('returns the old document by default and the new one with returnDocument after', async () => {
    const coll = h.db.collection<{ _id: string; v: number }>('fam');
    await coll.insertOne({ _id: 'f1', v: 1 });
    const old = await coll.findOneAndUpdate({ _id: 'f1' }, { $inc: { v: 1 } });
    expect(old).toEqual({ _id: 'f1', v: 1 });
    const fresh = await coll.findOneAndUpdate({ _id: 'f1' }, { $inc: { v: 1 } }, { returnDocument: 'after', projection: { _id: 0 } });
    expect(fresh).toEqual({ v: 3 });
    const none = await coll.findOneAndUpdate({ _id: 'missing' }, { $inc: { v: 1 } });
    expect(none).toBeNull();
  });

  it('upserts and honours sort when several documents match', async () => {
    const coll = h.db.collection('fam-sort');
    await coll.insertMany([
      { q: 1, rank: 2 },
      { q: 1, rank: 1 },
      { q: 1, rank: 3 },
    ]);
    const lowest = await coll.findOneAndUpdate({ q: 1 }, { $set: { picked: true } }, { sort: { rank: 1 }, returnDocument: 'after' });
    expect(lowest?.rank).toBe(1);
    const created = await coll.findOneAndUpdate(
      { q: 2 },
      { $set: { made: true } },
      { upsert: true, returnDocument: 'after', includeResultMetadata: true },
    );
    expect(created.lastErrorObject?.updatedExisting).toBe(false);
    expect(created.value).toMatchObject({ q: 2, made: true });
    const removed = await coll.findOneAndDelete({ q: 2 });
    expect(removed).toMatchObject({ q: 2, made: true });
    expect(await coll.countDocuments({ q: 2 })).toBe(0);
  });

  it('lets exactly one of 20 concurrent conditional updates win', async () => {
    const coll = h.db.collection<Keyed>('race');
    await coll.insertOne({ _id: 'code', consumed: false });
    const attempts = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        coll.findOneAndUpdate({ _id: 'code', consumed: false }, { $set: { consumed: true, by: i } }, { returnDocument: 'after' }),
      ),
    );
    const winners = attempts.filter((doc): doc is NonNullable<typeof doc> => doc !== null);
    expect(winners).toHaveLength(1);
    expect((await coll.findOne({ _id: 'code' }))?.by).toBe(winners[0].by);
  });
});

describe('deletes and drops', () => {
  it('deleteOne removes one match and deleteMany removes the rest', async () => {
    const coll = h.db.collection('del');
    await coll.insertMany([{ t: 'x' }, { t: 'x' }, { t: 'x' }, { t: 'y' }]);
    expect((await coll.deleteOne({ t: 'x' })).deletedCount).toBe(1);
    expect((await coll.deleteMany({ t: 'x' })).deletedCount).toBe(2);
    expect(await coll.find({}, { projection: { _id: 0 } }).toArray()).toEqual([{ t: 'y' }]);
  });

  it('drop removes the collection and its documents', async () => {
    const coll = h.db.collection('todrop');
    await coll.insertOne({ a: 1 });
    expect((await h.db.listCollections({ name: 'todrop' }).toArray()).map((c) => c.name)).toEqual(['todrop']);
    expect(await coll.drop()).toBe(true);
    expect(await h.db.listCollections({ name: 'todrop' }).toArray()).toEqual([]);
    expect(await coll.countDocuments()).toBe(0);
  });
});

describe('aggregation', () => {
  it('runs a $match/$group/$sort pipeline', async () => {
    const coll = h.db.collection('agg');
    await coll.insertMany([
      { k: 'a', v: 1 },
      { k: 'a', v: 2 },
      { k: 'b', v: 5 },
    ]);
    const out = await coll
      .aggregate<Document>([{ $match: { v: { $gt: 0 } } }, { $group: { _id: '$k', total: { $sum: '$v' } } }, { $sort: { _id: 1 } }])
      .toArray();
    expect(out).toEqual([
      { _id: 'a', total: 3 },
      { _id: 'b', total: 5 },
    ]);
  });

  it('resolves $lookup against another collection of the same database', async () => {
    await h.db.collection<{ _id: string; owner: string }>('grants').insertMany([
      { _id: 'g1', owner: 'ann' },
      { _id: 'g2', owner: 'ann' },
    ]);
    await h.db.collection<{ _id: string }>('owners').insertOne({ _id: 'ann' });
    const out = await h.db
      .collection('owners')
      .aggregate<Document>([
        { $lookup: { from: 'grants', localField: '_id', foreignField: 'owner', as: 'grants' } },
        { $project: { n: { $size: '$grants' } } },
      ])
      .toArray();
    expect(out).toEqual([{ _id: 'ann', n: 2 }]);
  });
  it("answers an equality $lookup and $limit directly, with mongod's matching of missing, null and array values", async () => {
    await h.db
      .collection<{ _id: string } & Document>('people')
      .insertMany([
        { _id: 'p1', team: 't1', tag: 'y' },
        { _id: 'p2', team: ['t1', 't2'] },
        { _id: 'p3' },
        { _id: 'p4', team: null },
        { _id: 'p5', team: 'nobody' },
        { _id: 'p6', team: [{ id: 't2' }] },
      ]);
    await h.db
      .collection<{ _id: string } & Document>('teams')
      .insertMany([{ _id: 't1', tags: ['x'] }, { _id: 't2', tags: ['x', 'y'] }, { _id: 't3' }, { _id: 't4', tags: 'y' }]);
    const joinedIds = async (localField: string, foreignField: string) =>
      Object.fromEntries(
        (
          await h.db
            .collection('people')
            .aggregate<Document>([{ $lookup: { from: 'teams', localField, foreignField, as: 'joined' } }])
            .toArray()
        ).map((doc) => [doc._id, (doc.joined as Document[]).map((team) => team._id)]),
      );
    // Each element of a local array is a key; a missing or null key matches a missing or null foreign field.
    expect(await joinedIds('team', '_id')).toEqual({ p1: ['t1'], p2: ['t1', 't2'], p3: [], p4: [], p5: [], p6: [] });
    expect(await joinedIds('team.id', '_id')).toEqual({ p1: [], p2: [], p3: [], p4: [], p5: [], p6: ['t2'] });
    const all = ['t1', 't2', 't3', 't4'];
    expect(await joinedIds('team', 'missing')).toEqual({ p1: [], p2: [], p3: all, p4: all, p5: [], p6: [] });
    // A foreign array matches when it holds the key.
    expect(await joinedIds('tag', 'tags')).toEqual({ p1: ['t2', 't4'], p2: ['t3'], p3: ['t3'], p4: ['t3'], p5: ['t3'], p6: ['t3'] });

    const people = h.db.collection('people');
    const lookup = { $lookup: { from: 'teams', localField: 'team', foreignField: '_id', as: 'joined' } };
    expect(await people.aggregate<Document>([{ $match: { _id: 'p2' } }, { $limit: 1 }, lookup]).toArray()).toEqual([
      {
        _id: 'p2',
        team: ['t1', 't2'],
        joined: [
          { _id: 't1', tags: ['x'] },
          { _id: 't2', tags: ['x', 'y'] },
        ],
      },
    ]);
    expect((await people.aggregate<Document>([{ $limit: 2 }]).toArray()).map((doc) => doc._id)).toEqual(['p1', 'p2']);
    // A sub-pipeline of one inclusion $project keeps those top-level fields (and _id unless excluded).
    const projected = (project: Document) =>
      people
        .aggregate<Document>([
          { $match: { _id: 'p2' } },
          { $lookup: { from: 'teams', localField: 'team', foreignField: '_id', pipeline: [{ $project: project }], as: 'joined' } },
        ])
        .toArray();
    expect((await projected({ tags: 1 }))[0]!.joined).toEqual([
      { _id: 't1', tags: ['x'] },
      { _id: 't2', tags: ['x', 'y'] },
    ]);
    expect((await projected({ _id: 0, tags: true }))[0]!.joined).toEqual([{ tags: ['x'] }, { tags: ['x', 'y'] }]);
    // A single string key by _id is taken from the foreign collection's key map: found, projected, or not found.
    const byId = (id: string, project: Document) =>
      people
        .aggregate<Document>([
          { $match: { _id: id } },
          { $lookup: { from: 'teams', localField: 'team', foreignField: '_id', pipeline: [{ $project: project }], as: 'joined' } },
        ])
        .toArray();
    expect(await byId('p1', { tags: 1 })).toEqual([{ _id: 'p1', team: 't1', tag: 'y', joined: [{ _id: 't1', tags: ['x'] }] }]);
    expect((await byId('p1', { _id: 0, tags: 1, absent: 1 }))[0]!.joined).toEqual([{ tags: ['x'] }]);
    expect((await byId('p5', { tags: 1 }))[0]!.joined).toEqual([]);
    // Stages after the direct ones still run (through mingo).
    expect(
      await people.aggregate<Document>([{ $match: { _id: 'p1' } }, lookup, { $project: { n: { $size: '$joined' } } }]).toArray(),
    ).toEqual([{ _id: 'p1', n: 1 }]);
  });
});

describe('refusals', () => {
  it('answers an unknown command with CommandNotFound (59)', async () => {
    await expect(h.db.command({ frobnicate: 1 })).rejects.toMatchObject({ code: 59, codeName: 'CommandNotFound' });
  });

  it('refuses $where, $function and $accumulator instead of running JavaScript', async () => {
    const coll = h.db.collection('js');
    await coll.insertOne({ a: 1 });
    await expect(coll.findOne({ $where: 'this.a === 1' })).rejects.toMatchObject({ code: 2 });
    await expect(
      coll.findOne({ $expr: { $function: { body: 'function() { return true }', args: [], lang: 'js' } } }),
    ).rejects.toMatchObject({ code: 2 });
    await expect(
      coll
        .aggregate([
          {
            $group: {
              _id: null,
              x: {
                $accumulator: {
                  init: 'function() { return 0 }',
                  accumulate: 'function(s) { return s }',
                  accumulateArgs: [],
                  merge: 'function(a) { return a }',
                  lang: 'js',
                },
              },
            },
          },
        ])
        .toArray(),
    ).rejects.toMatchObject({ code: 2 });
  });

  it('rejects unknown query operators as BadValue', async () => {
    await expect(h.db.collection('js').findOne({ a: { $bogus: 1 } })).rejects.toMatchObject({ code: 2 });
  });
});
