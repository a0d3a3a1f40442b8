"""Fixed reference lists for the fictional Northbridge City Council sample data.

Everything here is invented. Kept apart from ``generate.py`` so the generator reads as logic, not lists.
Lists (never sets) so that iteration order is the same on every run.
"""

from __future__ import annotations

COUNCIL = "Northbridge City Council"
SEED = 20241101

MONTH_NAMES = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]

# Canonical service areas (DOMAIN.md, framework section 6) and the teams in each: 25 teams in all.
TEAMS: dict[str, list[str]] = {
    "Front Door": ["MASH Team", "Front Door Team 1", "Front Door Team 2", "Assessment Team"],
    "Children in Need and Child Protection": [
        "CP Team East",
        "CP Team West",
        "CIN Team North",
        "Disabled Children's Team",
        "Edge of Care Team",
    ],
    "Vulnerable Adolescents": ["Adolescent Safety Team", "Exploitation and Missing Team", "Youth Support Team"],
    "Children in Care": [
        "Children in Care Team 1",
        "Children in Care Team 2",
        "Children in Care Team 3",
        "Disabled Children in Care Team",
    ],
    "Permanence": ["Permanence Team", "Adoption and SGO Team", "Connected Carers Team"],
    "Care Leavers": ["Leaving Care Team 16-17", "Leaving Care Team 18-21", "Leaving Care Team 21-25"],
    "Quality Assurance Unit": ["IRO Service", "Child Protection Chairs", "Children's Rights Service"],
}

# Spellings that case-management exports use for each area (DOMAIN.md lists the accepted aliases).
AREA_ALIASES: dict[str, list[str]] = {
    "Front Door": ["MASH", "Front door"],
    "Children in Need and Child Protection": ["CP", "CIN"],
    "Vulnerable Adolescents": ["Adolescents"],
    "Children in Care": ["LAC", "Looked after"],
    "Permanence": [],
    "Care Leavers": ["Leaving care"],
    "Quality Assurance Unit": ["IRO"],
}

# The story: share of activities graded good or better, first month -> last month (linear in between).
GOOD_OR_BETTER: dict[str, tuple[float, float]] = {
    "Front Door": (0.45, 0.80),
    "Children in Need and Child Protection": (0.62, 0.66),
    "Vulnerable Adolescents": (0.58, 0.60),
    "Children in Care": (0.75, 0.45),
    "Permanence": (0.80, 0.80),
    "Care Leavers": (0.55, 0.55),
    "Quality Assurance Unit": (0.70, 0.70),
}

THEMES: dict[str, list[str]] = {
    "Front Door": [
        "Re-referrals",
        "Strategy discussions",
        "Section 47 enquiries",
        "Thresholds at the front door",
        "Management oversight",
    ],
    "Children in Need and Child Protection": [
        "Quality of plans",
        "Section 47 enquiries",
        "Core groups",
        "Pre-proceedings (PLO)",
        "Voice of the child",
        "Supervision",
    ],
    "Vulnerable Adolescents": [
        "Missing episodes",
        "Contextual safeguarding",
        "Exploitation risk assessments",
        "Return home interviews",
        "Voice of the child",
    ],
    "Children in Care": [
        "Placement stability",
        "Quality of plans",
        "Voice of the child",
        "Health assessments",
        "Supervision",
        "Management oversight",
    ],
    "Permanence": ["Permanence planning", "Special guardianship assessments", "Later life letters", "Quality of plans"],
    "Care Leavers": ["Pathway plans", "Suitable accommodation", "Education, employment and training", "Staying close"],
    "Quality Assurance Unit": [
        "Child protection conferences",
        "Looked after reviews",
        "Management oversight",
        "Voice of the child",
    ],
}

# Observation settings that make sense for each area; the first is the most common.
OBS_SETTINGS: dict[str, list[str]] = {
    "Front Door": ["Home visit", "Supervision"],
    "Children in Need and Child Protection": ["Home visit", "Supervision", "Child protection conference"],
    "Vulnerable Adolescents": ["Home visit", "Supervision"],
    "Children in Care": ["Home visit", "Looked after review", "Supervision"],
    "Permanence": ["Home visit", "Supervision", "Looked after review"],
    "Care Leavers": ["Home visit", "Supervision"],
    "Quality Assurance Unit": ["Child protection conference", "Looked after review"],
}

FIRST_NAMES = [
    "Aisha",
    "Alex",
    "Amira",
    "Andrew",
    "Bethany",
    "Callum",
    "Carla",
    "Chloe",
    "Daniel",
    "Deborah",
    "Eleanor",
    "Emeka",
    "Faye",
    "Farah",
    "Gareth",
    "Grace",
    "Hannah",
    "Harpreet",
    "Imran",
    "Isla",
    "Jack",
    "Jasmine",
    "Joanne",
    "Kate",
    "Kieran",
    "Laura",
    "Leon",
    "Lucy",
    "Marcus",
    "Megan",
    "Mohammed",
    "Naomi",
    "Nathan",
    "Nicola",
    "Olivia",
    "Owen",
    "Priya",
    "Rachel",
    "Rebecca",
    "Rhys",
    "Ruth",
    "Samir",
    "Sarah",
    "Shauna",
    "Simon",
    "Sophie",
    "Tariq",
    "Tom",
    "Vicky",
    "Zara",
]

SURNAMES = [
    "Adeyemi",
    "Ahmed",
    "Barker",
    "Bennett",
    "Bradley",
    "Chambers",
    "Clarke",
    "Coleman",
    "Dawson",
    "Ellis",
    "Fletcher",
    "Foster",
    "Gallagher",
    "Gill",
    "Hamilton",
    "Hartley",
    "Hughes",
    "Iqbal",
    "Jennings",
    "Kaur",
    "Kelly",
    "Lambert",
    "Lawson",
    "Lowe",
    "McBride",
    "Marsh",
    "Morgan",
    "Nolan",
    "Okafor",
    "Osei",
    "Palmer",
    "Patel",
    "Pearson",
    "Quinn",
    "Rahman",
    "Reid",
    "Riley",
    "Saunders",
    "Shaw",
    "Singh",
    "Sutton",
    "Thornton",
    "Turner",
    "Wade",
    "Walsh",
    "Webb",
    "Whitfield",
    "Wright",
    "Yates",
    "Young",
]

STRENGTHS = [
    "The child's wishes and feelings are recorded in their own words and shape the plan.",
    "A clear, up-to-date chronology helps the reader understand the child's history.",
    "Strong multi-agency working; school and health views are recorded and acted on.",
    "Regular reflective supervision with clear actions and timescales.",
    "Direct work is creative and age-appropriate, using tools the child enjoys.",
    "The plan is SMART and the family understand what needs to change.",
    "Management oversight is visible at every key decision point.",
    "The assessment analyses risk and protective factors well.",
    "Visits are in timescale and the child is seen alone.",
    "Good relationship with the parents, who say they feel listened to.",
    "Strategy discussion held promptly with police and health present.",
    "Risk of exploitation was recognised early and a safety plan agreed.",
    "The child's identity and culture are well considered.",
    "Recording is timely, respectful and written to the child.",
    "Clear contingency plan that everyone understands.",
]

AREAS_FOR_DEVELOPMENT = [
    "The child's voice is not evident in the latest plan.",
    "The chronology has not been updated since the last review.",
    "Actions in the plan lack timescales and named owners.",
    "Supervision records do not show reflection or challenge.",
    "Management oversight is not recorded at the point of step-down.",
    "Multi-agency information was not sought from the school.",
    "The assessment describes the family but does not analyse risk.",
    "Case recording is several weeks behind.",
    "The impact of previous plans on the child is not considered.",
    "Contingency planning is unclear if the situation does not improve.",
    "Return home interview was not offered after the last missing episode.",
    "Drift in progressing the permanence plan.",
    "The pathway plan has not been reviewed with the young person.",
    "Sibling relationships are not considered in the plan.",
    "Threshold decision not explained to the family.",
]

INSTRUCTIONS = [
    "Children's Services quality assurance: monthly audit return",
    "One row per quality activity (case audit, dip sample or practice observation).",
    "Grade every domain on the Ofsted four-point scale: Outstanding, Good, Requires improvement, Inadequate.",
    "Supervision is graded on every activity (QA Framework section 4).",
    "Chronology, Assessment, Planning and Recording are graded for full case audits only.",
    "Moderated grade: completed by the QA Unit where the audit was moderated.",
    "Return to the Quality and Performance team by the 5th working day of the following month.",
]
