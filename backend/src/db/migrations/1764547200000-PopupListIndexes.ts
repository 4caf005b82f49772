// Popup lists (issue 10): indexes that let the extension's popup and notification alarm read the
// few rows they show (open escalations, conversations I hold) without scanning the tenant's
// history of resolved escalations and old conversations. Plans before/after: BENCHMARKS.md "Popup lists".
import { TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Named like portable-table.ts names them, so both dialects agree. */
const index = (table: string, columns: string[]) => ({ table, index: new TableIndex({ name: `IDX_${table}_${columns.join('_')}`.slice(0, 64), columnNames: columns }) });

/**
 * The indexes and the tables they belong to; exported for `bench:popup --without-popup-indexes`.
 * InnoDB appends the primary key (`id`) to each, which serves the lists' `id DESC` tie-break.
 */
export const POPUP_LIST_INDEXES = [
  // escalations.listOpen: WHERE tenant_id = ? AND status = 'open' ORDER BY opened_at DESC, id DESC.
  index('escalations', ['tenant_id', 'status', 'opened_at']),
  // conversations.list heldByMe: WHERE tenant_id = ? AND held_by_agent_id = ? ORDER BY updated_at DESC, id DESC.
  index('conversations', ['tenant_id', 'held_by_agent_id', 'updated_at']),
  // conversations.list without an agent filter (all, takenOver, escalatedForMyTeams): the newest first, stopping at the page size.
  index('conversations', ['tenant_id', 'updated_at']),
];

export class PopupListIndexes1764547200000 implements MigrationInterface {
  name = 'PopupListIndexes1764547200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const { table, index: tableIndex } of POPUP_LIST_INDEXES) await queryRunner.createIndex(table, tableIndex);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const { table, index: tableIndex } of [...POPUP_LIST_INDEXES].reverse()) await queryRunner.dropIndex(table, tableIndex);
  }
}
