// The oidc-provider Adapter on MongoDB: one collection per model, `_id` = model id, `expiresAt` TTL.
import type { Collection, Db, Document } from 'mongodb';
import { errors, type Adapter, type AdapterPayload } from 'oidc-provider';
import { modelCollection, modelCollectionName, revokeGrant, type StoredModel } from './model-collections.js';
import { retryOnFailover, retryReadOnce } from './errors.js';
import { currentRoute, forgetInRequest, modelInRequestKey, rememberInRequest, takeFromRequest } from './request-scope.js';

/**
 * A document of another collection that a model's payload points at and that the same request reads next (the grant
 * behind a token, the account): found in the same round trip as the model by a $lookup, and kept for the request.
 */
export interface Join {
  /** The other collection, looked up by `_id`. */
  from: string;
  /** The payload field holding that `_id` (a dotted path for a nested one). */
  field: string;
  /** The fields of the other document to fetch (top-level names); the whole document when absent. */
  fields?: readonly string[];
  /** Where the request scope keeps the document found for `id` (see request-scope.ts). */
  key(id: string): string;
  /** The oidc-provider routes that read the other document after this model; elsewhere the find stays plain. */
  routes: readonly string[];
}

/**
 * The grant a token or code belongs to, which oidc-provider reads right after it (Grant.find) on these routes. Kept
 * as the Grant model's own document, so that read is answered from the request (once) instead of a second command.
 */
export const grantJoin = (routes: readonly string[]): Join => ({
  from: modelCollectionName('Grant'),
  field: 'grantId',
  key: (id) => modelInRequestKey('Grant', id),
  routes,
});

/** `createMongoAdapter(db)` is what oidc-provider's `adapter` option receives; `joins` are by model name. */
export function createMongoAdapter(db: Db, joins: Partial<Record<string, readonly Join[]>> = {}): (model: string) => MongoAdapter {
  return (model: string) => new MongoAdapter(db, model, joins[model]);
}

/** The answer's fields the joins fill: `_joined0`, `_joined1`, … in the joins' order. */
const JOINED = '_joined';

/** The $lookup stage of a join, and the field of the answer it fills. */
function lookupStage(join: Join, as: string): Document {
  // localField/foreignField with a pipeline is MongoDB 5.0's concise form: an _id lookup that returns only these fields
  // (without one, the whole document).
  const pipeline = join.fields && [{ $project: Object.fromEntries(join.fields.map((field) => [field, 1])) }];
  return { $lookup: { from: join.from, localField: `payload.${join.field}`, foreignField: '_id', ...(pipeline && { pipeline }), as } };
}

export class MongoAdapter implements Adapter {
  private readonly collection: Collection<StoredModel>;
  /** Per route, the joins its finds bring along (with their field's path) and the aggregate pipeline, built once. */
  private readonly joinsByRoute = new Map<string, { joins: Array<{ join: Join; path: string[] }>; pipeline: Document[] }>();

  constructor(
    private readonly db: Db,
    readonly model: string,
    joins: readonly Join[] = [],
  ) {
    this.collection = modelCollection(db, model);
    for (const route of new Set(joins.flatMap((join) => join.routes))) {
      const onRoute = joins.filter((join) => join.routes.includes(route));
      this.joinsByRoute.set(route, {
        joins: onRoute.map((join) => ({ join, path: join.field.split('.') })),
        pipeline: onRoute.map((join, n) => lookupStage(join, `${JOINED}${n}`)),
      });
    }
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    forgetInRequest(modelInRequestKey(this.model, id));
    const update: Partial<StoredModel> = { payload };
    const unset: Record<string, ''> = {};
    if (expiresIn === undefined) unset.expiresAt = '';
    else update.expiresAt = new Date(Date.now() + expiresIn * 1000);
    await this.collection.updateOne(
      { _id: String(id) },
      Object.keys(unset).length > 0 ? { $set: update, $unset: unset } : { $set: update },
      { upsert: true },
    );
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    // Read a moment ago in this request (a grant fetched with its token, an account's latest grant): served once, not twice.
    const known = takeFromRequest<StoredModel>(modelInRequestKey(this.model, id));
    if (known) return live(known.value);
    const joined = this.joinsByRoute.size > 0 ? this.joinsByRoute.get(currentRoute() ?? '') : undefined;
    if (joined) return this.findJoined(String(id), joined.joins, joined.pipeline);
    return this.findOne({ _id: String(id) });
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return this.findOne({ 'payload.uid': String(uid) });
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    return this.findOne({ 'payload.userCode': String(userCode) });
  }

  /**
   * oidc-provider checks `consumed` and then calls consume(); two parallel exchanges of one code (or one refresh
   * token) would both pass that check. The loser of the conditional write is treated as reuse: the grant is revoked.
   */
  async consume(id: string): Promise<void> {
    forgetInRequest(modelInRequestKey(this.model, id));
    if (await this.tryConsume(id)) return;
    const found = await this.collection.findOne({ _id: String(id) });
    if (found?.payload.grantId) {
      // The grant may have been read with the token a moment ago: it is gone now, for this request too.
      forgetInRequest(modelInRequestKey('Grant', String(found.payload.grantId)));
      await revokeGrant(this.db, String(found.payload.grantId));
    }
    throw new errors.InvalidGrant('grant request is invalid');
  }

  /** Marks the artifact consumed; true only for the one caller that consumed it (a conditional write). */
  async tryConsume(id: string): Promise<boolean> {
    const result = await this.collection.updateOne(
      { _id: String(id), 'payload.consumed': { $exists: false } },
      { $set: { 'payload.consumed': Math.floor(Date.now() / 1000) } },
    );
    return result.modifiedCount === 1;
  }

  async destroy(id: string): Promise<void> {
    forgetInRequest(modelInRequestKey(this.model, id));
    await retryOnFailover(() => this.collection.deleteOne({ _id: String(id) }));
  }

  /** oidc-provider calls this once per grant-bound model, so each call clears its own collection. */
  async revokeByGrantId(grantId: string): Promise<void> {
    await retryOnFailover(() => this.collection.deleteMany({ 'payload.grantId': String(grantId) }));
  }

  private async findOne(filter: Record<string, string>): Promise<AdapterPayload | undefined> {
    return live(await this.collection.findOne(filter));
  }

  /**
   * One aggregate instead of several finds: the model by `_id`, and what the joins point at. Sent as the plain command
   * (one batch of at most one document, so no cursor is left open) rather than through a cursor, whose machinery cost
   * the driver more than the lookups; the retry a cursor would make is made here.
   */
  private async findJoined(
    id: string,
    joins: ReadonlyArray<{ join: Join; path: string[] }>,
    lookups: Document[],
  ): Promise<AdapterPayload | undefined> {
    // db.command inherits no read settings (the driver's choice): the collection's are passed on, as a cursor would.
    const readConcern = this.collection.readConcern;
    const command = {
      aggregate: this.collection.collectionName,
      pipeline: [{ $match: { _id: id } }, ...lookups],
      cursor: {},
      ...(readConcern && { readConcern: { level: readConcern.level } }),
    };
    const options = { readPreference: this.collection.readPreference };
    const reply = await retryReadOnce(() => this.db.command(command, options));
    const [found] = (reply.cursor as { firstBatch: Array<StoredModel & Record<string, Document[]>> }).firstBatch;
    const payload = live(found);
    joins.forEach(({ join, path }, n) => {
      const target = path.reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], payload);
      if (typeof target === 'string') rememberInRequest(join.key(target), found?.[`${JOINED}${n}`]?.[0] ?? null);
    });
    return payload;
  }
}

/** The TTL monitor sweeps only every minute or so: an expired document must already be invisible. */
function live(found: StoredModel | null | undefined): AdapterPayload | undefined {
  if (!found || (found.expiresAt && found.expiresAt.getTime() <= Date.now())) return undefined;
  return found.payload;
}
