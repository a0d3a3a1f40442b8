-- export_voice_quarters: one row per calendar quarter and service area with survey answers in
-- [$start, $end], over every survey and scored question. Columns: quarter (date, first day),
-- service_area, answers, positive, responses (distinct survey responses), surveys (distinct surveys).
-- Parameters: $areas (service areas in scope), $start, $end (dates, inclusive).
select date_trunc('quarter', response_date)::date as quarter, service_area,
       count(*) as answers,
       count(*) filter (where positive) as positive,
       count(distinct (survey, response_id)) as responses,
       count(distinct survey) as surveys
from survey_answers
where list_contains($areas, service_area)
  and response_date between $start and $end
group by quarter, service_area
order by quarter, service_area;
