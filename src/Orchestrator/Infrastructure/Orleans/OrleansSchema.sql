-- ScaleLab's schema for the Orleans ADO.NET providers (clustering, grain storage, reminders) on PostgreSQL.
--
-- The providers ship no SQL. They read named statements from the table OrleansQuery and only rely on:
-- the query keys, the parameter names they bind (@DeploymentId, @GrainIdHash, ...) and the column names they
-- read back (case-insensitively). Tables and statements behind those names are ours: everything lives in the
-- schema "orleans" except OrleansQuery, which the providers read unqualified.
--
-- Idempotent: applied at every start under an advisory lock (see DatabaseBootstrap). Statements in
-- OrleansQuery are upserted, so changing one here takes effect at the next start.

CREATE SCHEMA IF NOT EXISTS orleans;

CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  varchar(64)   NOT NULL PRIMARY KEY,
    QueryText varchar(8000) NOT NULL
);

-- ---------------------------------------------------------------------------------------------- clustering
-- One version row per deployment: every membership change bumps it, and a writer must name the version it
-- read (optimistic concurrency of the Orleans membership protocol).
CREATE TABLE IF NOT EXISTS orleans.membership_version
(
    deployment_id varchar(150) NOT NULL PRIMARY KEY,
    version       integer      NOT NULL DEFAULT 0,
    changed_at    timestamptz  NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS orleans.membership
(
    deployment_id   varchar(150)  NOT NULL REFERENCES orleans.membership_version (deployment_id),
    address         varchar(45)   NOT NULL,
    port            integer       NOT NULL,
    generation      integer       NOT NULL,
    silo_name       varchar(150)  NOT NULL,
    host_name       varchar(150)  NOT NULL,
    status          integer       NOT NULL,
    proxy_port      integer       NULL,
    suspect_times   varchar(8000) NULL,
    start_time      timestamptz   NOT NULL,
    i_am_alive_time timestamptz   NOT NULL,
    PRIMARY KEY (deployment_id, address, port, generation)
);

-- A silo joins only if the table is still at the version it read; the version row is locked first, so the
-- check, the insert and the bump are one step even with many silos starting at once. Returns 1 or 0.
CREATE OR REPLACE FUNCTION orleans.join_membership(
    p_deployment varchar, p_address varchar, p_port integer, p_generation integer, p_silo_name varchar,
    p_host_name varchar, p_status integer, p_proxy_port integer, p_start_time timestamptz,
    p_alive_time timestamptz, p_expected_version integer) RETURNS integer
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM orleans.membership_version
     WHERE deployment_id = p_deployment AND version = p_expected_version
       FOR UPDATE;
    IF NOT FOUND THEN RETURN 0; END IF;

    INSERT INTO orleans.membership (deployment_id, address, port, generation, silo_name, host_name, status,
                                    proxy_port, start_time, i_am_alive_time)
    VALUES (p_deployment, p_address, p_port, p_generation, p_silo_name, p_host_name, p_status,
            p_proxy_port, p_start_time, p_alive_time)
    ON CONFLICT DO NOTHING;
    IF NOT FOUND THEN RETURN 0; END IF;

    UPDATE orleans.membership_version SET version = version + 1, changed_at = now() WHERE deployment_id = p_deployment;
    RETURN 1;
END $$;

-- Same discipline for a status change (joining -> active -> shutting down -> dead, suspicions).
CREATE OR REPLACE FUNCTION orleans.update_membership(
    p_deployment varchar, p_address varchar, p_port integer, p_generation integer, p_status integer,
    p_suspect_times varchar, p_alive_time timestamptz, p_expected_version integer) RETURNS integer
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM orleans.membership_version
     WHERE deployment_id = p_deployment AND version = p_expected_version
       FOR UPDATE;
    IF NOT FOUND THEN RETURN 0; END IF;

    UPDATE orleans.membership
       SET status = p_status, suspect_times = p_suspect_times, i_am_alive_time = p_alive_time
     WHERE deployment_id = p_deployment AND address = p_address AND port = p_port AND generation = p_generation;
    IF NOT FOUND THEN RETURN 0; END IF;

    UPDATE orleans.membership_version SET version = version + 1, changed_at = now() WHERE deployment_id = p_deployment;
    RETURN 1;
END $$;

-- ---------------------------------------------------------------------------------------------- grain state
CREATE TABLE IF NOT EXISTS orleans.grain_state
(
    service_id          varchar(150)  NOT NULL,
    grain_type_hash     integer       NOT NULL,
    grain_type          varchar(512)  NOT NULL,
    grain_id_hash       integer       NOT NULL,
    grain_id_n0         bigint        NOT NULL,
    grain_id_n1         bigint        NOT NULL,
    grain_id_extension  varchar(512)  NOT NULL DEFAULT '',  -- '' stands for "no string key part"
    payload             bytea         NULL,
    version             integer       NOT NULL,
    modified_on         timestamptz   NOT NULL DEFAULT now(),
    PRIMARY KEY (service_id, grain_type_hash, grain_id_hash, grain_id_n0, grain_id_n1, grain_type, grain_id_extension)
);

-- ---------------------------------------------------------------------------------------------- reminders
CREATE TABLE IF NOT EXISTS orleans.reminders
(
    service_id    varchar(150) NOT NULL,
    grain_id      text         NOT NULL,
    reminder_name varchar(150) NOT NULL,
    start_time    timestamptz  NOT NULL,
    period_ms     bigint       NOT NULL,
    grain_hash    integer      NOT NULL,
    version       integer      NOT NULL,
    PRIMARY KEY (service_id, grain_id, reminder_name)
);
CREATE INDEX IF NOT EXISTS reminders_by_grain_hash ON orleans.reminders (service_id, grain_hash);

-- ---------------------------------------------------------------------------------------------- named statements
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES

-- clustering
('InsertMembershipVersionKey', '
WITH created AS (
    INSERT INTO orleans.membership_version (deployment_id) VALUES (@DeploymentId::varchar)
    ON CONFLICT DO NOTHING RETURNING 1)
SELECT count(*)::integer FROM created;'),

('InsertMembershipKey', '
SELECT orleans.join_membership(@DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName, @Status,
                               @ProxyPort, @StartTime, @IAmAliveTime, @Version);'),

('UpdateMembershipKey', '
SELECT orleans.update_membership(@DeploymentId, @Address, @Port, @Generation, @Status, @SuspectTimes,
                                 @IAmAliveTime, @Version);'),

('UpdateIAmAlivetimeKey', '
UPDATE orleans.membership SET i_am_alive_time = @IAmAliveTime::timestamptz
 WHERE deployment_id = @DeploymentId::varchar AND address = @Address::varchar
   AND port = @Port::integer AND generation = @Generation::integer;'),

('MembershipReadRowKey', '
SELECT v.deployment_id AS DeploymentId, m.address AS Address, m.port AS Port, m.generation AS Generation,
       m.silo_name AS SiloName, m.host_name AS HostName, m.status AS Status, m.proxy_port AS ProxyPort,
       m.suspect_times AS SuspectTimes, m.start_time AS StartTime, m.i_am_alive_time AS IAmAliveTime,
       v.version AS Version
  FROM orleans.membership_version v
  LEFT JOIN orleans.membership m
         ON m.deployment_id = v.deployment_id AND m.address = @Address::varchar
        AND m.port = @Port::integer AND m.generation = @Generation::integer
 WHERE v.deployment_id = @DeploymentId::varchar;'),

('MembershipReadAllKey', '
SELECT v.deployment_id AS DeploymentId, m.address AS Address, m.port AS Port, m.generation AS Generation,
       m.silo_name AS SiloName, m.host_name AS HostName, m.status AS Status, m.proxy_port AS ProxyPort,
       m.suspect_times AS SuspectTimes, m.start_time AS StartTime, m.i_am_alive_time AS IAmAliveTime,
       v.version AS Version
  FROM orleans.membership_version v
  LEFT JOIN orleans.membership m ON m.deployment_id = v.deployment_id
 WHERE v.deployment_id = @DeploymentId::varchar;'),

('GatewaysQueryKey', '
SELECT address AS Address, proxy_port AS ProxyPort, generation AS Generation
  FROM orleans.membership
 WHERE deployment_id = @DeploymentId::varchar AND status = @Status::integer AND proxy_port > 0;'),

('DeleteMembershipTableEntriesKey', '
DELETE FROM orleans.membership WHERE deployment_id = @DeploymentId::varchar;
DELETE FROM orleans.membership_version WHERE deployment_id = @DeploymentId::varchar;'),

-- Status 3 is SiloStatus.Active: a live silo is never cleaned up, however stale its heartbeat looks.
('CleanupDefunctSiloEntriesKey', '
DELETE FROM orleans.membership
 WHERE deployment_id = @DeploymentId::varchar AND i_am_alive_time < @IAmAliveTime::timestamptz AND status <> 3;'),

-- grain state: a write names the version it read (NULL: "I saw no row"); a stale writer gets no row back,
-- which the provider reports as an inconsistent-state error.
('WriteToStorageKey', '
WITH updated AS (
    UPDATE orleans.grain_state
       SET payload = @PayloadBinary::bytea, version = version + 1, modified_on = now()
     WHERE @GrainStateVersion::integer IS NOT NULL
       AND service_id = @ServiceId::varchar AND grain_type_hash = @GrainTypeHash::integer
       AND grain_id_hash = @GrainIdHash::integer AND grain_id_n0 = @GrainIdN0::bigint
       AND grain_id_n1 = @GrainIdN1::bigint AND grain_type = @GrainTypeString::varchar
       AND grain_id_extension = coalesce(@GrainIdExtensionString::varchar, '''')
       AND version = @GrainStateVersion::integer
    RETURNING version),
inserted AS (
    INSERT INTO orleans.grain_state (service_id, grain_type_hash, grain_type, grain_id_hash, grain_id_n0,
                                     grain_id_n1, grain_id_extension, payload, version)
    SELECT @ServiceId::varchar, @GrainTypeHash::integer, @GrainTypeString::varchar, @GrainIdHash::integer,
           @GrainIdN0::bigint, @GrainIdN1::bigint, coalesce(@GrainIdExtensionString::varchar, ''''),
           @PayloadBinary::bytea, 1
     WHERE @GrainStateVersion::integer IS NULL
    ON CONFLICT DO NOTHING
    RETURNING version)
SELECT version AS NewGrainStateVersion FROM updated
UNION ALL
SELECT version FROM inserted;'),

('ReadFromStorageKey', '
SELECT payload AS PayloadBinary, now() AS ModifiedOn, version AS Version
  FROM orleans.grain_state
 WHERE service_id = @ServiceId::varchar AND grain_type_hash = @GrainTypeHash::integer
   AND grain_id_hash = @GrainIdHash::integer AND grain_id_n0 = @GrainIdN0::bigint
   AND grain_id_n1 = @GrainIdN1::bigint AND grain_type = @GrainTypeString::varchar
   AND grain_id_extension = coalesce(@GrainIdExtensionString::varchar, '''');'),

('ClearStorageKey', '
UPDATE orleans.grain_state
   SET payload = NULL, version = version + 1, modified_on = now()
 WHERE service_id = @ServiceId::varchar AND grain_type_hash = @GrainTypeHash::integer
   AND grain_id_hash = @GrainIdHash::integer AND grain_id_n0 = @GrainIdN0::bigint
   AND grain_id_n1 = @GrainIdN1::bigint AND grain_type = @GrainTypeString::varchar
   AND grain_id_extension = coalesce(@GrainIdExtensionString::varchar, '''')
   AND version = @GrainStateVersion::integer
RETURNING version AS NewGrainStateVersion;'),

('DeleteStorageKey', '
DELETE FROM orleans.grain_state
 WHERE service_id = @ServiceId::varchar AND grain_type_hash = @GrainTypeHash::integer
   AND grain_id_hash = @GrainIdHash::integer AND grain_id_n0 = @GrainIdN0::bigint
   AND grain_id_n1 = @GrainIdN1::bigint AND grain_type = @GrainTypeString::varchar
   AND grain_id_extension = coalesce(@GrainIdExtensionString::varchar, '''')
   AND version = @GrainStateVersion::integer
RETURNING version + 1 AS NewGrainStateVersion;'),

-- reminders
('UpsertReminderRowKey', '
INSERT INTO orleans.reminders (service_id, grain_id, reminder_name, start_time, period_ms, grain_hash, version)
VALUES (@ServiceId::varchar, @GrainId::text, @ReminderName::varchar, @StartTime::timestamptz,
        @Period::bigint, @GrainHash::integer, 0)
ON CONFLICT (service_id, grain_id, reminder_name) DO UPDATE
   SET start_time = EXCLUDED.start_time, period_ms = EXCLUDED.period_ms,
       grain_hash = EXCLUDED.grain_hash, version = orleans.reminders.version + 1
RETURNING version AS Version;'),

('ReadReminderRowsKey', '
SELECT grain_id AS GrainId, reminder_name AS ReminderName, start_time AS StartTime, period_ms AS Period, version AS Version
  FROM orleans.reminders
 WHERE service_id = @ServiceId::varchar AND grain_id = @GrainId::text;'),

('ReadReminderRowKey', '
SELECT grain_id AS GrainId, reminder_name AS ReminderName, start_time AS StartTime, period_ms AS Period, version AS Version
  FROM orleans.reminders
 WHERE service_id = @ServiceId::varchar AND grain_id = @GrainId::text AND reminder_name = @ReminderName::varchar;'),

-- A ring range (begin, end]; the second form is the range that wraps around the end of the hash ring.
('ReadRangeRows1Key', '
SELECT grain_id AS GrainId, reminder_name AS ReminderName, start_time AS StartTime, period_ms AS Period, version AS Version
  FROM orleans.reminders
 WHERE service_id = @ServiceId::varchar AND grain_hash > @BeginHash::integer AND grain_hash <= @EndHash::integer;'),

('ReadRangeRows2Key', '
SELECT grain_id AS GrainId, reminder_name AS ReminderName, start_time AS StartTime, period_ms AS Period, version AS Version
  FROM orleans.reminders
 WHERE service_id = @ServiceId::varchar AND (grain_hash > @BeginHash::integer OR grain_hash <= @EndHash::integer);'),

('DeleteReminderRowKey', '
WITH deleted AS (
    DELETE FROM orleans.reminders
     WHERE service_id = @ServiceId::varchar AND grain_id = @GrainId::text
       AND reminder_name = @ReminderName::varchar AND version = @Version::integer
    RETURNING 1)
SELECT count(*)::integer FROM deleted;'),

('DeleteReminderRowsKey', '
DELETE FROM orleans.reminders WHERE service_id = @ServiceId::varchar;')

ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;
