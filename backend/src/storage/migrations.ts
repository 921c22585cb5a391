/**
 * The schema, as versioned migrations applied in order by `migrate.ts`. Kept as TypeScript
 * strings rather than .sql files because the build copies only .ts into dist/, and a node
 * started from dist/ must migrate with nothing else shipped.
 *
 * Never edit a released migration: add the next one.
 *
 * Ids are `ascii_bin`: case-sensitive, and compared byte-wise exactly like JavaScript's `<`,
 * so the keyset order of room ids is the same in MySQL and in the embedded store.
 */
export interface Migration {
  version: number
  name: string
  statements: string[]
}

const ID = 'VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin'
// User ids come from host sites' tokens: any text, compared exactly. Indexed, so bounded:
// the token verifier must refuse longer subjects. Avatars are unindexed TEXT because a
// value too long for its column would fail a whole message batch, not just its sender.
const USER_ID = 'VARCHAR(191) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin'
const TABLE = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci'

export const migrations: Migration[] = [
  {
    version: 1,
    name: 'initial',
    statements: [
      `CREATE TABLE IF NOT EXISTS apps (
        id ${ID} NOT NULL,
        name VARCHAR(200) NOT NULL,
        secret VARCHAR(512) NOT NULL,
        session_key VARCHAR(512) NOT NULL,
        allowed_origins TEXT NOT NULL,
        limits TEXT NOT NULL,
        allow_guests TINYINT(1) NOT NULL DEFAULT 0,
        disabled TINYINT(1) NOT NULL DEFAULT 0,
        created_at DATETIME(3) NOT NULL,
        PRIMARY KEY (id)
      ) ${TABLE}`,
      `CREATE TABLE IF NOT EXISTS accounts (
        app_id ${ID} NOT NULL,
        id ${ID} NOT NULL,
        email VARCHAR(254) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
        password_hash VARCHAR(512) NOT NULL,
        display_name VARCHAR(200) NOT NULL,
        avatar TEXT NULL,
        created_at DATETIME(3) NOT NULL,
        PRIMARY KEY (app_id, id),
        UNIQUE KEY accounts_email (app_id, email)
      ) ${TABLE}`,
      `CREATE TABLE IF NOT EXISTS refresh_tokens (
        hash CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        app_id ${ID} NOT NULL,
        account_id ${ID} NOT NULL,
        family_id ${ID} NOT NULL,
        expires_at DATETIME(3) NOT NULL,
        used_at DATETIME(3) NULL,
        revoked TINYINT(1) NOT NULL DEFAULT 0,
        PRIMARY KEY (hash),
        KEY refresh_tokens_family (app_id, family_id)
      ) ${TABLE}`,
      `CREATE TABLE IF NOT EXISTS rooms (
        app_id ${ID} NOT NULL,
        id ${ID} NOT NULL,
        name VARCHAR(200) NOT NULL,
        topic VARCHAR(1000) NULL,
        created_by ${USER_ID} NOT NULL,
        created_at DATETIME(3) NOT NULL,
        last_seq BIGINT UNSIGNED NOT NULL DEFAULT 0,
        PRIMARY KEY (app_id, id)
      ) ${TABLE}`,
      // text is MEDIUMTEXT, not TEXT: TEXT holds 65,535 bytes, which an app raising its
      // length limit could exceed with 4-byte characters, failing a whole batch.
      `CREATE TABLE IF NOT EXISTS messages (
        app_id ${ID} NOT NULL,
        room_id ${ID} NOT NULL,
        seq BIGINT UNSIGNED NOT NULL,
        id ${ID} NOT NULL,
        kind VARCHAR(16) CHARACTER SET ascii NOT NULL,
        user_id ${USER_ID} NOT NULL,
        user_name VARCHAR(200) NOT NULL,
        user_avatar TEXT NULL,
        text MEDIUMTEXT NOT NULL,
        client_id VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
        notice VARCHAR(16) CHARACTER SET ascii NULL,
        attachment TEXT NULL,
        created_at DATETIME(3) NOT NULL,
        PRIMARY KEY (app_id, room_id, seq),
        UNIQUE KEY messages_client_id (app_id, room_id, user_id, client_id)
      ) ${TABLE}`,
    ],
  },
  {
    version: 2,
    name: 'app-identity',
    // Keys live with their app as JSON: a handful per app, always read together, and never
    // queried by kid across apps (a kid is only meaningful inside its app).
    statements: [
      ...addColumn('apps', 'previous_secret', 'VARCHAR(512) NULL'),
      ...addColumn('apps', 'previous_secret_expires_at', 'DATETIME(3) NULL'),
      ...addColumn('apps', 'public_keys', 'MEDIUMTEXT NULL'),
      ...addColumn('apps', 'jwks_url', 'VARCHAR(2048) NULL'),
    ],
  },
  {
    version: 3,
    name: 'attachments',
    // Metadata only: the bytes live in ATTACHMENTS_DIR. A message copies what it shows of its
    // attachment into messages.attachment, so history reads never join this table.
    statements: [
      `CREATE TABLE IF NOT EXISTS attachments (
        app_id ${ID} NOT NULL,
        id ${ID} NOT NULL,
        room_id ${ID} NOT NULL,
        uploader_id ${USER_ID} NOT NULL,
        content_type VARCHAR(32) CHARACTER SET ascii NOT NULL,
        bytes INT UNSIGNED NOT NULL,
        width INT UNSIGNED NOT NULL,
        height INT UNSIGNED NOT NULL,
        thumbnail VARCHAR(16) CHARACTER SET ascii NOT NULL,
        origin VARCHAR(2048) NOT NULL,
        created_at DATETIME(3) NOT NULL,
        PRIMARY KEY (app_id, id)
      ) ${TABLE}`,
    ],
  },
  {
    version: 4,
    name: 'webhooks',
    // Events and secrets of an endpoint are read together, a handful of endpoints per app.
    // Deliveries are listed per app newest first, optionally only one status (the dead
    // letters), pruned by age, and found by the message they carry when it is deleted: one
    // index for each.
    statements: [
      `CREATE TABLE IF NOT EXISTS webhook_endpoints (
        app_id ${ID} NOT NULL,
        id ${ID} NOT NULL,
        url VARCHAR(2048) NOT NULL,
        events VARCHAR(512) CHARACTER SET ascii NOT NULL,
        secret VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        previous_secret VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NULL,
        previous_secret_expires_at DATETIME(3) NULL,
        enabled TINYINT(1) NOT NULL DEFAULT 1,
        created_at DATETIME(3) NOT NULL,
        PRIMARY KEY (app_id, id)
      ) ${TABLE}`,
      `CREATE TABLE IF NOT EXISTS webhook_deliveries (
        app_id ${ID} NOT NULL,
        id ${ID} NOT NULL,
        endpoint_id ${ID} NOT NULL,
        event_type VARCHAR(32) CHARACTER SET ascii NOT NULL,
        room_id ${ID} NULL,
        message_seq BIGINT UNSIGNED NULL,
        payload MEDIUMTEXT NULL,
        status VARCHAR(16) CHARACTER SET ascii NOT NULL,
        attempts INT UNSIGNED NOT NULL DEFAULT 0,
        last_status SMALLINT UNSIGNED NULL,
        last_error VARCHAR(500) NULL,
        created_at DATETIME(3) NOT NULL,
        last_attempt_at DATETIME(3) NULL,
        next_attempt_at DATETIME(3) NULL,
        delivered_at DATETIME(3) NULL,
        PRIMARY KEY (app_id, id),
        KEY webhook_deliveries_status (app_id, status, id),
        KEY webhook_deliveries_created (created_at),
        KEY webhook_deliveries_message (app_id, room_id, message_seq)
      ) ${TABLE}`,
    ],
  },
  {
    version: 5,
    name: 'message-changes',
    // Edits and deletes are rows of the log (kind edit/delete, target_id naming the message
    // changed); the target keeps its current state in place, so history reads stay one range
    // scan. The two keys find a change's target and a deleted message's earlier edits.
    statements: [
      ...addColumn('messages', 'target_id', `${ID} NULL`),
      ...addColumn('messages', 'edited_at', 'DATETIME(3) NULL'),
      ...addColumn('messages', 'deleted_at', 'DATETIME(3) NULL'),
      ...addColumn('messages', 'deleted_by', `${USER_ID} NULL`),
      ...addIndex('messages', 'messages_id', '(app_id, room_id, id)'),
      ...addIndex('messages', 'messages_target', '(app_id, room_id, target_id)'),
    ],
  },
  {
    version: 6,
    name: 'audit-log',
    // Moderation actions, newest first per app: the id sorts by time, so (app_id, id) is the
    // whole index a page needs.
    statements: [
      `CREATE TABLE IF NOT EXISTS audit_log (
        app_id ${ID} NOT NULL,
        id ${ID} NOT NULL,
        at DATETIME(3) NOT NULL,
        actor ${USER_ID} NOT NULL,
        action VARCHAR(32) CHARACTER SET ascii NOT NULL,
        room_id ${ID} NULL,
        target_user_id ${USER_ID} NULL,
        target_message_id ${ID} NULL,
        reason TEXT NULL,
        details TEXT NULL,
        PRIMARY KEY (app_id, id)
      ) ${TABLE}`,
    ],
  },
  {
    version: 7,
    name: 'sanctions-and-moderators',
    // One row per (app, kind, user, scope); room_id '' is app-wide (a key cannot hold NULL).
    // Expired rows stay until replaced or lifted: every read filters on expires_at. The
    // second key serves "what applies to this user" at auth and the list per room.
    statements: [
      `CREATE TABLE IF NOT EXISTS sanctions (
        app_id ${ID} NOT NULL,
        kind VARCHAR(8) CHARACTER SET ascii NOT NULL,
        user_id ${USER_ID} NOT NULL,
        room_id ${ID} NOT NULL,
        reason VARCHAR(500) NULL,
        created_by ${USER_ID} NOT NULL,
        created_at DATETIME(3) NOT NULL,
        expires_at DATETIME(3) NULL,
        PRIMARY KEY (app_id, kind, user_id, room_id),
        KEY sanctions_user (app_id, user_id),
        KEY sanctions_created (app_id, created_at)
      ) ${TABLE}`,
      `CREATE TABLE IF NOT EXISTS moderators (
        app_id ${ID} NOT NULL,
        user_id ${USER_ID} NOT NULL,
        granted_by ${USER_ID} NOT NULL,
        granted_at DATETIME(3) NOT NULL,
        PRIMARY KEY (app_id, user_id)
      ) ${TABLE}`,
    ],
  },
  {
    version: 8,
    name: 'room-settings-and-reports',
    // Settings live on the room row, read with it (nodes cache them; sends never read them
    // here). Reports are listed per app newest first by status, and found again by
    // (message, reporter), which makes a second report of the same message return the first.
    statements: [
      ...addColumn('rooms', 'slow_mode_seconds', 'INT UNSIGNED NOT NULL DEFAULT 0'),
      ...addColumn('rooms', 'read_only', 'TINYINT(1) NOT NULL DEFAULT 0'),
      ...addColumn('rooms', 'archived', 'TINYINT(1) NOT NULL DEFAULT 0'),
      // A room's delete removes its attachment records: found by room, not by scanning the app.
      ...addIndex('attachments', 'attachments_room', '(app_id, room_id)'),
      `CREATE TABLE IF NOT EXISTS reports (
        app_id ${ID} NOT NULL,
        id ${ID} NOT NULL,
        room_id ${ID} NOT NULL,
        message_id ${ID} NOT NULL,
        reported_by ${USER_ID} NOT NULL,
        reason VARCHAR(500) NOT NULL,
        status VARCHAR(16) CHARACTER SET ascii NOT NULL,
        created_at DATETIME(3) NOT NULL,
        resolved_by ${USER_ID} NULL,
        resolved_at DATETIME(3) NULL,
        PRIMARY KEY (app_id, id),
        UNIQUE KEY reports_once (app_id, room_id, message_id, reported_by),
        KEY reports_status (app_id, status, id)
      ) ${TABLE}`,
    ],
  },
]

/** `ALTER TABLE … ADD KEY` that can run twice, looked up first like `addColumn`. */
function addIndex(table: string, index: string, columns: string): string[] {
  return unlessPresent(
    `ALTER TABLE ${table} ADD KEY ${index} ${columns}`,
    'statistics',
    table,
    `index_name = '${index}'`,
  )
}

/**
 * `ALTER TABLE … ADD COLUMN` that can run twice. MariaDB has `ADD COLUMN IF NOT EXISTS` but
 * MySQL 8.0 does not, so the column is looked up first.
 */
function addColumn(table: string, column: string, definition: string): string[] {
  return unlessPresent(
    `ALTER TABLE ${table} ADD COLUMN ${column} ${definition}`,
    'columns',
    table,
    `column_name = '${column}'`,
  )
}

/** `ddl`, prepared only when `information_schema.<view>` has no row of `table` matching
 * `match` (migrate.ts runs a migration's statements on one connection, so the session
 * variable carries over). */
function unlessPresent(ddl: string, view: 'columns' | 'statistics', table: string, match: string): string[] {
  return [
    `SET @roomful_ddl = (SELECT IF(COUNT(*) = 0, '${ddl}', 'DO 0')
      FROM information_schema.${view}
      WHERE table_schema = DATABASE() AND table_name = '${table}' AND ${match})`,
    'PREPARE roomful_ddl FROM @roomful_ddl',
    'EXECUTE roomful_ddl',
    'DEALLOCATE PREPARE roomful_ddl',
  ]
}
