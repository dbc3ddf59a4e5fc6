// The demo's one entry point for start-up: refuse its leftovers in production, else seed it and return its router.
import type Router from '@koa/router';
import type { Db } from 'mongodb';
import type { LoadedConfig } from '../config/load.js';
import type { AccountStore } from '../accounts/account-store.js';
import type { HashingPolicy } from '../accounts/password.js';
import type { Logger } from '../observability/logger.js';
import type { Render } from '../views/render.js';
import { refuseProblems } from '../security/production-checks.js';
import { DEMO_PASSWORD, DEMO_USERNAME, demoHome, demoLeftovers, seedDemo } from './seed.js';
import { createDemoRouter } from './routes.js';

export interface DemoDeps {
  config: Pick<LoadedConfig, 'production' | 'demo' | 'issuer'>;
  db: Db;
  accounts: AccountStore;
  passwordParams: HashingPolicy;
  render: Render;
  logger: Logger;
}

/** The demo's router in development with `demo: true`; nothing otherwise. Throws StartupRefused for production leftovers. */
export async function prepareDemo({ config, db, accounts, passwordParams, render, logger }: DemoDeps): Promise<Router | undefined> {
  if (config.production) {
    refuseProblems(await demoLeftovers(db, accounts));
    return undefined;
  }
  if (!config.demo) return undefined;
  // The demo password is published and far below the password policy, which only `gatehouse user add|passwd` apply.
  if (await seedDemo(db, accounts, config.issuer, passwordParams))
    logger.info(
      `created a demo user and client: open ${demoHome(config.issuer)} and sign in as "${DEMO_USERNAME}" with password ` +
        `"${DEMO_PASSWORD}" (development only; exempt from the password policy)`,
    );
  return createDemoRouter(config.issuer, render);
}
