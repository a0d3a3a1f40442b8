-- export_quarters: the calendar quarters a report can be built for, newest first: those holding
-- audits, KPI values or survey answers in the viewer's areas (the rule of export_quarter_coverage:
-- council-wide KPI values count only when $all_areas). Column: quarter (its first day).
-- Parameters: $areas (service areas in scope), $all_areas (boolean).
select distinct quarter from (
    select date_trunc('quarter', audit_date) as quarter
    from filtered_audits($areas, date '1900-01-01', date '2999-12-31', [], [], [])
    union all
    select date_trunc('quarter', period_month) from kpi_values
     where value is not null
       and (list_contains($areas, service_area) or (service_area is null and $all_areas))
    union all
    select date_trunc('quarter', response_date) from survey_answers
     where list_contains($areas, service_area)
)
where quarter is not null
order by quarter desc;
