// The oidc-provider Adapter on MongoDB: one collection per model, `_id` = model id, `expiresAt` TTL.
import type { Collection, Db } from 'mongodb';
import { errors, type Adapter, type AdapterPayload } from 'oidc-provider';
import { modelCollection, revokeGrant, type StoredModel } from './model-collections.js';
import { retryOnFailover } from './errors.js';

/** `createMongoAdapter(db)` is what oidc-provider's `adapter` option receives. */
export function createMongoAdapter(db: Db): (model: string) => MongoAdapter {
  return (model: string) => new MongoAdapter(db, model);
}

export class MongoAdapter implements Adapter {
  private readonly collection: Collection<StoredModel>;

  constructor(
    private readonly db: Db,
    readonly model: string,
  ) {
    this.collection = modelCollection(db, model);
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
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
    if (await this.tryConsume(id)) return;
    const found = await this.collection.findOne({ _id: String(id) });
    if (found?.payload.grantId) await revokeGrant(this.db, String(found.payload.grantId));
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
    await retryOnFailover(() => this.collection.deleteOne({ _id: String(id) }));
  }

  /** oidc-provider calls this once per grant-bound model, so each call clears its own collection. */
  async revokeByGrantId(grantId: string): Promise<void> {
    await retryOnFailover(() => this.collection.deleteMany({ 'payload.grantId': String(grantId) }));
  }

  private async findOne(filter: Record<string, string>): Promise<AdapterPayload | undefined> {
    const found = await this.collection.findOne(filter);
    // The TTL monitor sweeps only every minute or so: an expired document must already be invisible.
    if (!found || (found.expiresAt && found.expiresAt.getTime() <= Date.now())) return undefined;
    return found.payload;
  }
}
