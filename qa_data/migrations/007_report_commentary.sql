-- Schema version 7: analysts' commentary for the generated reports (the Cabinet key data summary,
-- the Q&PC pack, the ILACS self-evaluation). Written and read with qa_data/commentary.py.
--
-- Grain: one row per report, quarter, service area (or 'Council-wide') and field (headline, audits,
-- kpis, voice, actions, ...). Saving a field again replaces its text; the row keeps who wrote it last
-- and when.
create table if not exists report_commentary (
    report        varchar   not null,   -- cabinet, qpc, sef
    quarter_start date      not null,   -- the first day of the calendar quarter
    service_area  varchar   not null,   -- canonical (qa_data.vocab.SERVICE_AREAS) or 'Council-wide'
    field         varchar   not null,
    text          varchar   not null,
    written_by    varchar   not null,
    written_at    timestamp not null,
    primary key (report, quarter_start, service_area, field)
);
