// The oidc-provider Adapter on MongoDB: one collection per model, `_id` = model id, `expiresAt` TTL.
import type { Collection, Db } from 'mongodb';
import { errors, type Adapter, type AdapterPayload } from 'oidc-provider';

/** Models whose artifacts belong to a grant and die with it (oidc-provider's grant-bound tokens). */
export const GRANT_BOUND_MODELS = [
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
] as const;

/** Every model oidc-provider may ask an adapter for; their indexes are created at start. */
export const MODELS = [
  ...GRANT_BOUND_MODELS,
  'Session',
  'Interaction',
  'Grant',
  'ClientCredentials',
  'Client',
  'InitialAccessToken',
  'RegistrationAccessToken',
  'ReplayDetection',
  'PushedAuthorizationRequest',
] as const;

export interface StoredModel {
  _id: string;
  payload: AdapterPayload;
  expiresAt?: Date;
}

export function modelCollectionName(model: string): string {
  return `oidc_${model}`;
}

function modelCollection(db: Db, model: string): Collection<StoredModel> {
  return db.collection<StoredModel>(modelCollectionName(model));
}

/** Creates the TTL and lookup indexes for every model; safe to run at every start. */
export async function createModelIndexes(db: Db): Promise<void> {
  await Promise.all(
    MODELS.map(async (model) => {
      const collection = modelCollection(db, model);
      await collection.createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0, name: 'expiresAt_ttl' });
      if ((GRANT_BOUND_MODELS as readonly string[]).includes(model) || model === 'Grant')
        await collection.createIndex({ 'payload.grantId': 1 }, { name: 'grantId' });
      if (model === 'Session') await collection.createIndex({ 'payload.uid': 1 }, { name: 'uid', unique: true });
      if (model === 'DeviceCode') await collection.createIndex({ 'payload.userCode': 1 }, { name: 'userCode', unique: true });
    }),
  );
}

/** Deletes every session, grant and token of an account, e.g. when an admin disables it. */
export async function revokeByAccountId(db: Db, accountId: string): Promise<number> {
  const results = await Promise.all(
    MODELS.map((model) => modelCollection(db, model).deleteMany({ 'payload.accountId': String(accountId) })),
  );
  return results.reduce((sum, result) => sum + result.deletedCount, 0);
}

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
    if (found?.payload.grantId) {
      await this.revokeByGrantId(String(found.payload.grantId));
      await modelCollection(this.db, 'Grant').deleteOne({ _id: String(found.payload.grantId) });
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
    await this.collection.deleteOne({ _id: String(id) });
  }

  /** oidc-provider calls this once per grant-bound model, so each call clears its own collection. */
  async revokeByGrantId(grantId: string): Promise<void> {
    await this.collection.deleteMany({ 'payload.grantId': String(grantId) });
  }

  private async findOne(filter: Record<string, string>): Promise<AdapterPayload | undefined> {
    const found = await this.collection.findOne(filter);
    // The TTL monitor sweeps only every minute or so: an expired document must already be invisible.
    if (!found || (found.expiresAt && found.expiresAt.getTime() <= Date.now())) return undefined;
    return found.payload;
  }
}
