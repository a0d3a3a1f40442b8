-- 003: performance indicators. The KPI catalogue, monthly KPI values (from KPI extracts and from
-- indicators computed on Annex A snapshots), and published comparator values.

-- One row per KPI: what it measures, which way is better, its target. Seeded from
-- qa_data.kpi_catalogue.DEFAULT_KPIS when empty; a council can load its own catalogue.
create table if not exists kpis (
    kpi_code        varchar not null primary key,
    name            varchar not null,
    definition      varchar not null,
    unit            varchar not null,   -- percent, count, days, rate_per_10k
    direction       varchar not null,   -- higher or lower (is better)
    target          double,
    amber_tolerance double,             -- how far short of target is still amber, in the unit
    service_area    varchar,            -- the area it belongs to (null: all)
    source          varchar not null,   -- annex_a (computed) or extract (reported)
    sort_order      integer not null
);

-- One row per KPI, month and breakdown. service_area and team are null for a council-wide value.
-- (kpi_code, period_month, service_area, team, source) is unique: the loaders replace by that key.
create table if not exists kpi_values (
    kpi_code     varchar not null,
    period_month date    not null,      -- the first day of the month the value is for
    service_area varchar,
    team         varchar,
    value        double,
    numerator    double,
    denominator  double,
    target       double,                -- a target given with the value overrides the catalogue's
    source       varchar not null,      -- extract or annex_a
    load_id      varchar not null,
    source_sheet varchar,
    source_row   integer
);

-- Published comparator values: statistical neighbours, region, England.
create table if not exists kpi_comparators (
    kpi_code   varchar not null,
    year       integer not null,        -- the year the published value is for
    comparator varchar not null,        -- statistical neighbours, region, England
    value      double  not null,
    load_id    varchar not null
);
