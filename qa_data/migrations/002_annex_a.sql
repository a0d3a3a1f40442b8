-- Schema version 2: Ofsted's Annex A (child-level Lists 1-11), stored as snapshots.
-- Written by loaders/annex_a.py; read with qa_data/annex_a.py. Column names and codes are specified in
-- loaders/annex_a_lists.py (a test checks these tables match it).
--
-- Grain: annex_a_snapshots has one row per reference date (an upload replaces the snapshot for its
-- date); annex_a_list_<n> one row per row of List n in that upload, where source_sheet and source_row
-- say where it came from (the sheet, or the CSV file, and the row as Excel numbers it).
-- Coded columns hold one canonical code (the DfE/SSDA903 code, e.g. WBRI, 6, N1, C2, U1, or the
-- template's label, e.g. Male, Yes, Neglect). A cell that could not be read is NULL here and kept as
-- typed in annex_a_unparsed_values; "nothing here" markers (#N/A, -) are NULL.

create table if not exists annex_a_snapshots (
    snapshot_id    varchar   not null primary key,  -- annex-a-YYYY-MM-DD
    reference_date date      not null unique,
    file_name      varchar   not null,              -- the upload's file(s), comma separated
    sha256         varchar   not null,              -- of the file, or of the files' names and hashes
    load_id        varchar   not null,              -- loads.load_id
    loaded_at      timestamp not null,
    -- rows per list; null = the list was not in the upload
    list_1_rows    integer,
    list_2_rows    integer,
    list_3_rows    integer,
    list_4_rows    integer,
    list_5_rows    integer,
    list_6_rows    integer,
    list_7_rows    integer,
    list_8_rows    integer,
    list_9_rows    integer,
    list_10_rows   integer,
    list_11_rows   integer
);

-- Cells that could not be normalised (unknown code, unreadable date or number, bad postcode): the
-- value as typed, where it was, and the issue code the load report gave it.
create table if not exists annex_a_unparsed_values (
    snapshot_id  varchar not null,
    list_no      integer not null,
    source_sheet varchar,
    source_row   integer not null,
    column_name  varchar not null,  -- canonical column in annex_a_list_<list_no>
    header       varchar not null,  -- the template's heading for it
    value        varchar not null,
    problem      varchar not null   -- unknown-code, bad-date, bad-number, bad-postcode
);

-- List 1: Contacts.
create table if not exists annex_a_list_1 (
    snapshot_id        varchar not null,
    source_sheet       varchar,
    source_row         integer not null,
    child_unique_id    varchar not null,
    gender             varchar,
    ethnicity          varchar,
    date_of_birth      date,
    age_of_child_years integer,
    date_of_contact    date,
    contact_source     varchar
);

-- List 2: Early help.
create table if not exists annex_a_list_2 (
    snapshot_id                        varchar not null,
    source_sheet                       varchar,
    source_row                         integer not null,
    child_unique_id                    varchar not null,
    gender                             varchar,
    ethnicity                          varchar,
    date_of_birth                      date,
    age_of_child_years                 integer,
    assessment_start_date              date,
    assessment_completion_date         date,
    organisation_completing_assessment varchar
);

-- List 3: Referrals.
create table if not exists annex_a_list_3 (
    snapshot_id                           varchar not null,
    source_sheet                          varchar,
    source_row                            integer not null,
    child_unique_id                       varchar not null,
    gender                                varchar,
    ethnicity                             varchar,
    date_of_birth                         date,
    age_of_child_years                    integer,
    date_of_referral                      date,
    referral_source                       varchar,
    referral_nfa                          varchar,
    number_of_referrals_in_last_12_months integer,
    allocated_team                        varchar,
    allocated_worker                      varchar
);

-- List 4: Assessments.
create table if not exists annex_a_list_4 (
    snapshot_id                                                           varchar not null,
    source_sheet                                                          varchar,
    source_row                                                            integer not null,
    child_unique_id                                                       varchar not null,
    gender                                                                varchar,
    ethnicity                                                             varchar,
    date_of_birth                                                         date,
    age_of_child_years                                                    integer,
    does_the_child_have_a_disability                                      varchar,
    continuous_assessment_start_date                                      date,
    child_seen_during_continuous_assessment                               varchar,
    continuous_assessment_date_of_authorisation                           date,
    was_the_child_assessed_as_requiring_la_children_s_social_care_support varchar,
    allocated_team                                                        varchar,
    allocated_worker                                                      varchar
);

-- List 5: Section 47 enquiries and initial child protection conferences.
create table if not exists annex_a_list_5 (
    snapshot_id                                                                   varchar not null,
    source_sheet                                                                  varchar,
    source_row                                                                    integer not null,
    child_unique_id                                                               varchar not null,
    gender                                                                        varchar,
    ethnicity                                                                     varchar,
    date_of_birth                                                                 date,
    age_of_child_years                                                            integer,
    does_the_child_have_a_disability                                              varchar,
    strategy_discussion_initiating_section_47_enquiry_start_date                  date,
    was_an_initial_child_protection_conference_deemed_unnecessary                 varchar,
    date_of_initial_child_protection_conference                                   date,
    did_the_initial_child_protection_conference_result_in_a_child_protection_plan varchar,
    number_of_section_47_enquiries_in_the_last_12_months                          integer,
    number_of_icpcs_in_the_last_12_months                                         integer,
    allocated_team                                                                varchar,
    allocated_worker                                                              varchar
);

-- List 6: Children in need.
create table if not exists annex_a_list_6 (
    snapshot_id                      varchar not null,
    source_sheet                     varchar,
    source_row                       integer not null,
    child_unique_id                  varchar not null,
    gender                           varchar,
    ethnicity                        varchar,
    date_of_birth                    date,
    age_of_child_years               integer,
    does_the_child_have_a_disability varchar,
    cin_start_date                   date,
    primary_need_code                varchar,
    date_child_was_last_seen         date,
    cin_closure_date                 date,
    reason_for_closure               varchar,
    case_status                      varchar,
    allocated_team                   varchar,
    allocated_worker                 varchar
);

-- List 7: Child protection.
create table if not exists annex_a_list_7 (
    snapshot_id                                                                                   varchar not null,
    source_sheet                                                                                  varchar,
    source_row                                                                                    integer not null,
    child_unique_id                                                                               varchar not null,
    gender                                                                                        varchar,
    ethnicity                                                                                     varchar,
    date_of_birth                                                                                 date,
    age_of_child_years                                                                            integer,
    does_the_child_have_a_disability                                                              varchar,
    child_protection_plan_start_date                                                              date,
    initial_category_of_abuse                                                                     varchar,
    latest_category_of_abuse                                                                      varchar,
    date_of_the_last_statutory_visit                                                              date,
    was_the_child_seen_alone                                                                      varchar,
    date_of_latest_review_conference                                                              date,
    child_protection_plan_end_date                                                                date,
    subject_to_emergency_protection_order_or_protected_under_police_powers_in_last_six_months_y_n varchar,
    number_of_previous_child_protection_plans                                                     integer,
    allocated_team                                                                                varchar,
    allocated_worker                                                                              varchar
);

-- List 8: Children in care.
create table if not exists annex_a_list_8 (
    snapshot_id                                                                                       varchar not null,
    source_sheet                                                                                      varchar,
    source_row                                                                                        integer not null,
    child_unique_id                                                                                   varchar not null,
    gender                                                                                            varchar,
    ethnicity                                                                                         varchar,
    date_of_birth                                                                                     date,
    age_of_child_years                                                                                integer,
    unaccompanied_asylum_seeking_child_uasc_within_the_last_12_months_y_n                             varchar,
    does_the_child_have_a_disability                                                                  varchar,
    date_started_to_be_looked_after                                                                   date,
    child_s_category_of_need                                                                          varchar,
    is_this_a_second_or_subsequent_period_of_being_a_looked_after_child_within_the_last_12_months_y_n varchar,
    start_date_of_current_legal_status                                                                date,
    child_s_legal_status                                                                              varchar,
    date_of_latest_statutory_review                                                                   date,
    date_of_last_social_work_visit                                                                    date,
    what_is_the_permanence_plan_for_this_child                                                        varchar,
    date_of_last_iro_visit_contact_to_the_child                                                       date,
    date_of_last_health_assessment                                                                    date,
    date_of_last_dental_check                                                                         date,
    number_of_placements_in_the_last_12_months                                                        integer,
    date_ceased_to_be_looked_after                                                                    date,
    reason_ceased_to_be_looked_after                                                                  varchar,
    start_date_of_most_recent_placement                                                               date,
    placement_type                                                                                    varchar,
    placement_provider                                                                                varchar,
    placement_postcode                                                                                varchar,
    urn_of_placement                                                                                  varchar,
    placement_location                                                                                varchar,
    la_of_placement                                                                                   varchar,
    number_of_episodes_the_child_has_been_missing_from_their_placement_in_the_last_12_months          integer,
    number_of_episodes_the_child_has_been_absent_from_their_placement_in_the_last_12_months           integer,
    was_the_child_offered_a_return_interview_after_their_last_missing_episode_y_n                     varchar,
    did_the_child_accept_a_return_interview_after_their_last_missing_episode_y_n                      varchar,
    allocated_team                                                                                    varchar,
    allocated_worker                                                                                  varchar
);

-- List 9: Care leavers.
create table if not exists annex_a_list_9 (
    snapshot_id                                                                varchar not null,
    source_sheet                                                               varchar,
    source_row                                                                 integer not null,
    child_unique_id                                                            varchar not null,
    gender                                                                     varchar,
    ethnicity                                                                  varchar,
    date_of_birth                                                              date,
    age_of_child_years                                                         integer,
    unaccompanied_asylum_seeking_child_uasc_or_formerly_uasc_if_18_or_over_y_n varchar,
    does_the_child_have_a_disability                                           varchar,
    allocated_team                                                             varchar,
    allocated_worker                                                           varchar,
    allocated_personal_advisor                                                 varchar,
    eligibility_category                                                       varchar,
    latest_pathway_plan_review_date                                            date,
    la_in_touch                                                                varchar,
    latest_date_of_contact                                                     date,
    type_of_accommodation                                                      varchar,
    suitability_of_accommodation                                               varchar,
    activity_status                                                            varchar
);

-- List 10: Adoption.
create table if not exists annex_a_list_10 (
    snapshot_id                                                                     varchar not null,
    source_sheet                                                                    varchar,
    source_row                                                                      integer not null,
    child_unique_id                                                                 varchar not null,
    family_identifier                                                               varchar,
    gender                                                                          varchar,
    ethnicity                                                                       varchar,
    date_of_birth                                                                   date,
    age_of_child_years                                                              integer,
    does_the_child_have_a_disability                                                varchar,
    date_the_child_entered_care                                                     date,
    date_of_decision_that_child_should_be_placed_for_adoption                       date,
    date_of_placement_order                                                         date,
    date_of_matching_child_and_prospective_adopters                                 date,
    date_placed_for_adoption                                                        date,
    date_of_adoption_order                                                          date,
    date_of_decision_that_child_should_no_longer_be_placed_for_adoption             date,
    reason_why_child_no_longer_placed_for_adoption                                  varchar,
    date_the_child_was_placed_for_fostering_in_ffa_or_concurrent_planning_placement date
);

-- List 11: Adopters.
create table if not exists annex_a_list_11 (
    snapshot_id                                       varchar not null,
    source_sheet                                      varchar,
    source_row                                        integer not null,
    individual_adopter_identifier                     varchar not null,
    family_identifier                                 varchar,
    gender                                            varchar,
    ethnicity                                         varchar,
    disability                                        varchar,
    is_the_prospective_adopter_fostering_for_adoption varchar,
    date_enquiry_received                             date,
    date_stage_1_started                              date,
    date_stage_1_ended                                date,
    date_stage_2_started                              date,
    date_stage_2_ended                                date,
    date_application_submitted                        date,
    date_application_approved                         date,
    date_adopter_matched_with_child_ren               date,
    date_child_children_placed_with_adopter_s         date,
    no_of_children_placed                             integer,
    date_of_adoption_order                            date,
    date_of_leaving_adoption_process                  date,
    reason_for_leaving_adoption_process               varchar
);
