-- export_quarter_coverage: one row. What the period [$start, $end] holds in the viewer's areas, to
-- refuse a report on nothing. Columns: audits, kpi_values (council-wide values count only when
-- $all_areas), survey_answers.
-- Parameters: $areas (service areas in scope), $all_areas (boolean), $start, $end (dates, inclusive).
select
    (select count(*) from filtered_audits($areas, $start, $end, [], [], [])) as audits,
    (select count(*) from kpi_values
      where period_month between $start and $end
        and value is not null
        and (list_contains($areas, service_area) or (service_area is null and $all_areas))) as kpi_values,
    (select count(*) from survey_answers
      where response_date between $start and $end
        and list_contains($areas, service_area)) as survey_answers;
