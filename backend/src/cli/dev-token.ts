// `npm run dev-token -- --email <agent email> [--tenant <slug>] [--days N]`: prints a local
// development token for an agent (only with BATON_ENV=development set explicitly, as the server needs it).
import path from 'node:path';
import { parseArgs } from 'node:util';
import { issueDevToken } from '../auth/dev-token.js';
import { openDatabase } from '../db/data-source.js';
import { AgentEntity, TenantEntity } from '../db/entities/tenancy.entities.js';
import { loadEnv } from '../env.js';

async function run(): Promise<string> {
  const { values } = parseArgs({ options: { email: { type: 'string' }, tenant: { type: 'string' }, days: { type: 'string', default: '30' } } });
  const env = loadEnv();
  if (!env.developmentTokens) throw new Error('Development tokens are accepted only when BATON_ENV=development is set explicitly (`npm start` sets it); set it for this command too');
  if (!values.email) throw new Error('--email is required: the email of the agent the token is for');
  const days = Number(values.days);
  if (!Number.isInteger(days) || days < 1 || days > 365) throw new Error('--days must be a whole number from 1 to 365');

  const db = await openDatabase({ databaseUrl: env.databaseUrl, sqlitePath: path.join(env.dataDir, 'baton.sqlite') });
  try {
    const tenants = values.tenant
      ? await db.getRepository(TenantEntity).findBy({ slug: values.tenant })
      : await db.getRepository(TenantEntity).find();
    if (tenants.length === 0) throw new Error(values.tenant ? `No tenant with the slug "${values.tenant}"` : 'No tenant yet: run `npm start` once first');
    if (tenants.length > 1) throw new Error(`Several tenants exist; name one with --tenant (${tenants.map((tenant) => tenant.slug).join(', ')})`);
    const tenant = tenants[0]!;
    const agent = await db.getRepository(AgentEntity).findOneBy({ tenantId: tenant.id, email: values.email.toLowerCase() });
    if (!agent) throw new Error(`No agent ${values.email} in tenant "${tenant.slug}"`);
    if (!agent.active) throw new Error(`The agent ${agent.email} is deactivated`);
    return await issueDevToken(db, { tenantId: tenant.id, agentId: agent.id }, new Date(), days * 24 * 3600);
  } finally {
    await db.destroy();
  }
}

run().then(
  (token) => process.stdout.write(`${token}\n`),
  (error: Error) => {
    process.stderr.write(`dev-token: ${error.message}\n`);
    process.exit(1);
  },
);
