-- kpi_data_as_of: one row. The latest month with a KPI value, and the latest successful upload of
-- KPI data (a KPI extract, comparators, a catalogue or an Annex A snapshot): loaded_at, file_name.
with latest_load as (
    select loaded_at, file_name
    from loads
    where outcome = 'loaded' and kind in ('kpis', 'comparators', 'catalogue', 'annex_a')
    order by loaded_at desc
    limit 1
)
select (select max(period_month) from kpi_values) as latest_month, l.loaded_at, l.file_name
from (select 1) as one
left join latest_load as l on true;
