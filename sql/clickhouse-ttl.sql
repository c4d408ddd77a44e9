-- lfmaint's default retention for a self-hosted Langfuse v3 or v4 ClickHouse (generated from the
-- built-in policy; `lfmaint ttl apply` runs the same statements, only where they are needed).
--
-- App tables keep 30 days, system logs 10 days. Nothing is rewritten now:
-- materialize_ttl_after_modify = 0 leaves existing parts alone, and ttl_only_drop_parts = 1 makes
-- expiry drop whole parts instead of rewriting them (so a part lives until its newest row expires).
--
-- Run by hand: clickhouse-client --multiquery --ignore-error < sql/clickhouse-ttl.sql
-- (--ignore-error: tables your Langfuse version lacks, events_* before v4, and system logs your server
-- does not enable do not exist, and metric_log's definition can be too large to ALTER; set its TTL in
-- the server config instead). blob_storage_file_log is left out: it indexes the S3 files Langfuse deletes.
-- Clustered installs (CLICKHOUSE_CLUSTER_ENABLED=true): add ON CLUSTER default after each table name.

-- Langfuse's tables
ALTER TABLE `default`.`events_core` MODIFY SETTING ttl_only_drop_parts = 1;
ALTER TABLE `default`.`events_core` MODIFY TTL toDateTime(`start_time`) + INTERVAL 30 DAY SETTINGS materialize_ttl_after_modify = 0;
ALTER TABLE `default`.`events_full` MODIFY SETTING ttl_only_drop_parts = 1;
ALTER TABLE `default`.`events_full` MODIFY TTL toDateTime(`start_time`) + INTERVAL 30 DAY SETTINGS materialize_ttl_after_modify = 0;
ALTER TABLE `default`.`observations` MODIFY SETTING ttl_only_drop_parts = 1;
ALTER TABLE `default`.`observations` MODIFY TTL toDateTime(`start_time`) + INTERVAL 30 DAY SETTINGS materialize_ttl_after_modify = 0;
ALTER TABLE `default`.`scores` MODIFY SETTING ttl_only_drop_parts = 1;
ALTER TABLE `default`.`scores` MODIFY TTL toDateTime(`timestamp`) + INTERVAL 30 DAY SETTINGS materialize_ttl_after_modify = 0;
ALTER TABLE `default`.`traces` MODIFY SETTING ttl_only_drop_parts = 1;
ALTER TABLE `default`.`traces` MODIFY TTL toDateTime(`timestamp`) + INTERVAL 30 DAY SETTINGS materialize_ttl_after_modify = 0;

-- ClickHouse's system logs
ALTER TABLE `system`.`query_log` MODIFY SETTING ttl_only_drop_parts = 1;
ALTER TABLE `system`.`query_log` MODIFY TTL `event_date` + INTERVAL 10 DAY SETTINGS materialize_ttl_after_modify = 0;
ALTER TABLE `system`.`query_thread_log` MODIFY SETTING ttl_only_drop_parts = 1;
ALTER TABLE `system`.`query_thread_log` MODIFY TTL `event_date` + INTERVAL 10 DAY SETTINGS materialize_ttl_after_modify = 0;
ALTER TABLE `system`.`query_views_log` MODIFY SETTING ttl_only_drop_parts = 1;
ALTER TABLE `system`.`query_views_log` MODIFY TTL `event_date` + INTERVAL 10 DAY SETTINGS materialize_ttl_after_modify = 0;
ALTER TABLE `system`.`part_log` MODIFY SETTING ttl_only_drop_parts = 1;
ALTER TABLE `system`.`part_log` MODIFY TTL `event_date` + INTERVAL 10 DAY SETTINGS materialize_ttl_after_modify = 0;
ALTER TABLE `system`.`trace_log` MODIFY SETTING ttl_only_drop_parts = 1;
ALTER TABLE `system`.`trace_log` MODIFY TTL `event_date` + INTERVAL 10 DAY SETTINGS materialize_ttl_after_modify = 0;
ALTER TABLE `system`.`text_log` MODIFY SETTING ttl_only_drop_parts = 1;
ALTER TABLE `system`.`text_log` MODIFY TTL `event_date` + INTERVAL 10 DAY SETTINGS materialize_ttl_after_modify = 0;
ALTER TABLE `system`.`metric_log` MODIFY SETTING ttl_only_drop_parts = 1;
ALTER TABLE `system`.`metric_log` MODIFY TTL `event_date` + INTERVAL 10 DAY SETTINGS materialize_ttl_after_modify = 0;
ALTER TABLE `system`.`asynchronous_metric_log` MODIFY SETTING ttl_only_drop_parts = 1;
ALTER TABLE `system`.`asynchronous_metric_log` MODIFY TTL `event_date` + INTERVAL 10 DAY SETTINGS materialize_ttl_after_modify = 0;
ALTER TABLE `system`.`processors_profile_log` MODIFY SETTING ttl_only_drop_parts = 1;
ALTER TABLE `system`.`processors_profile_log` MODIFY TTL `event_date` + INTERVAL 10 DAY SETTINGS materialize_ttl_after_modify = 0;
ALTER TABLE `system`.`opentelemetry_span_log` MODIFY SETTING ttl_only_drop_parts = 1;
ALTER TABLE `system`.`opentelemetry_span_log` MODIFY TTL `finish_date` + INTERVAL 10 DAY SETTINGS materialize_ttl_after_modify = 0;
ALTER TABLE `system`.`latency_log` MODIFY SETTING ttl_only_drop_parts = 1;
ALTER TABLE `system`.`latency_log` MODIFY TTL `event_date` + INTERVAL 10 DAY SETTINGS materialize_ttl_after_modify = 0;
ALTER TABLE `system`.`error_log` MODIFY SETTING ttl_only_drop_parts = 1;
ALTER TABLE `system`.`error_log` MODIFY TTL `event_date` + INTERVAL 10 DAY SETTINGS materialize_ttl_after_modify = 0;
ALTER TABLE `system`.`session_log` MODIFY SETTING ttl_only_drop_parts = 1;
ALTER TABLE `system`.`session_log` MODIFY TTL `event_date` + INTERVAL 10 DAY SETTINGS materialize_ttl_after_modify = 0;
ALTER TABLE `system`.`zookeeper_log` MODIFY SETTING ttl_only_drop_parts = 1;
ALTER TABLE `system`.`zookeeper_log` MODIFY TTL `event_date` + INTERVAL 10 DAY SETTINGS materialize_ttl_after_modify = 0;
ALTER TABLE `system`.`asynchronous_insert_log` MODIFY SETTING ttl_only_drop_parts = 1;
ALTER TABLE `system`.`asynchronous_insert_log` MODIFY TTL `event_date` + INTERVAL 10 DAY SETTINGS materialize_ttl_after_modify = 0;
ALTER TABLE `system`.`backup_log` MODIFY SETTING ttl_only_drop_parts = 1;
ALTER TABLE `system`.`backup_log` MODIFY TTL `event_date` + INTERVAL 10 DAY SETTINGS materialize_ttl_after_modify = 0;
ALTER TABLE `system`.`blob_storage_log` MODIFY SETTING ttl_only_drop_parts = 1;
ALTER TABLE `system`.`blob_storage_log` MODIFY TTL `event_date` + INTERVAL 10 DAY SETTINGS materialize_ttl_after_modify = 0;
ALTER TABLE `system`.`s3queue_log` MODIFY SETTING ttl_only_drop_parts = 1;
ALTER TABLE `system`.`s3queue_log` MODIFY TTL `event_date` + INTERVAL 10 DAY SETTINGS materialize_ttl_after_modify = 0;
