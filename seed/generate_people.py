#!/usr/bin/env python3
"""Deterministic demo people for braid's talent platform.

    python3 seed/generate_people.py > seed/people.json

Stdlib only. Every random choice comes from one seeded generator, so the output is reproducible
byte for byte; validate() asserts every data rule before anything is printed.
"""
import collections
import datetime as dt
import json
import random
import re
import sys
import unicodedata

rng = random.Random(2026)
REF = dt.date(2026, 11, 23)  # "today" for ages and dates
REF_M = REF.year * 12 + REF.month - 1  # timelines count months: year * 12 + month - 1


def items(text):
    return [x.strip() for x in re.split(r"[|\n]", text) if x.strip()]


def pick(xs):
    return rng.choice(xs)


def chance(p):
    return rng.random() < p


# name[:first release year]; nobody has more years in a skill than the skill has existed.
SKILLS = {
    "programming_language": "Python:1991|Go:2009|Rust:2015|Java:1995|Kotlin:2016|Swift:2014|TypeScript:2012"
                            "|JavaScript:1995|C++|C#:2000|Scala:2004|Ruby:1995|PHP:1995|Elixir:2012|SQL|Dart:2013",
    "framework": "React:2013|Vue.js:2014|Angular:2010|Next.js:2016|Svelte:2016|Node.js:2009|Django:2005|FastAPI:2018"
                 "|Spring Boot:2014|Ruby on Rails:2004|.NET:2002|Flutter:2017|React Native:2015|SwiftUI:2019"
                 "|Jetpack Compose:2021|GraphQL:2015|gRPC:2016|Tailwind CSS:2017|Playwright:2020|Cypress:2017",
    "database": "PostgreSQL:1996|MySQL:1995|MongoDB:2009|Redis:2009|Elasticsearch:2010|Cassandra:2008|DynamoDB:2012"
                "|SQLite:2000|ClickHouse:2016|Snowflake:2014",
    "cloud": "AWS:2006|Google Cloud:2008|Azure:2010|Kubernetes:2015|Docker:2013|Terraform:2014|Helm:2016"
             "|GitHub Actions:2019|Prometheus:2015|Grafana:2014|Linux|OpenTelemetry:2019",
    "data_ml": "PyTorch:2016|TensorFlow:2015|scikit-learn:2010|pandas:2008|Apache Spark:2014|Apache Kafka:2011"
               "|Apache Airflow:2015|dbt:2016|MLflow:2018|Hugging Face Transformers:2019|LLM Fine-tuning:2020"
               "|Retrieval-Augmented Generation:2020|Computer Vision|Natural Language Processing|Statistics"
               "|A/B Testing",
    "design": "Figma:2016|Sketch:2010|User Research|Prototyping|Interaction Design|Design Systems"
              "|Accessibility (WCAG):1999|Usability Testing|Information Architecture",
    "practice": "Domain-Driven Design:2003|Test-Driven Development|Microservices:2011|Event Sourcing:2005|CI/CD"
                "|Code Review|Observability|Site Reliability Engineering:2003|Incident Management|Threat Modeling"
                "|Penetration Testing|OAuth and OpenID Connect:2010|System Design|API Design|Performance Tuning"
                "|Test Automation|Agile:2001"
                "|Product Discovery|Roadmapping|OKRs|Technical Recruiting|Talent Sourcing|Employer Branding",
    "soft_skill": "Technical Writing|Mentoring|Public Speaking|Stakeholder Management|Negotiation|Team Leadership"
                  "|Cross-functional Communication|Coaching|Facilitation|Interviewing",
}
SKILL_CATEGORY, SKILL_SINCE = {}, {}
for _category, _names in SKILLS.items():
    for _entry in items(_names):
        _name, _, _year = _entry.partition(":")
        SKILL_CATEGORY[_name], SKILL_SINCE[_name] = _category, int(_year or 1950)
CONCEPTS = items("Statistics|A/B Testing|Computer Vision|Natural Language Processing|LLM Fine-tuning"
                 "|Retrieval-Augmented Generation")


def is_tool(name):
    """Something a project can be built with (headlines and "Built with ..." name these first)."""
    category = SKILL_CATEGORY[name]
    return name in ("Figma", "Sketch") or name not in CONCEPTS and category in (
        "programming_language", "framework", "database", "cloud", "data_ml")

# country: (cities, phone patterns with X for a random digit, universities)
COUNTRIES = {k: tuple(items(x) for x in v) for k, v in {
    "China": ("Shanghai|Beijing|Shenzhen|Hangzhou|Chengdu", "+86 138 XXXX XXXX|+86 159 XXXX XXXX",
              "Fudan University|Tsinghua University|Zhejiang University|Shanghai Jiao Tong University"),
    "India": ("Bengaluru|Pune|Hyderabad|Chennai|Mumbai|Gurugram|Kochi", "+91 98XXX XXXXX|+91 70XXX XXXXX",
              "IIT Bombay|IIT Madras|BITS Pilani|Anna University|University of Delhi|IIIT Hyderabad"),
    "Vietnam": ("Ho Chi Minh City|Hanoi|Da Nang", "+84 90X XXX XXX", "Vietnam National University, Hanoi"
                "|Hanoi University of Science and Technology|Ho Chi Minh City University of Technology"),
    "Poland": ("Warsaw|Kraków|Wrocław|Gdańsk", "+48 5XX XXX XXX|+48 6XX XXX XXX",
               "Warsaw University of Technology|AGH University of Kraków|Jagiellonian University"),
    "Germany": ("Berlin|Munich|Hamburg|Cologne", "+49 151 XXXXXXXX|+49 170 XXXXXXX",
                "Technical University of Munich|RWTH Aachen University|Karlsruhe Institute of Technology"),
    "Switzerland": ("Zurich|Basel|Lausanne", "+41 79 XXX XX XX", "ETH Zurich|EPFL|University of Zurich"),
    "France": ("Paris|Lyon|Toulouse|Nantes", "+33 6 XX XX XX XX", "École Polytechnique|Sorbonne University|INSA Lyon"),
    "Spain": ("Madrid|Barcelona|Valencia|Málaga", "+34 6XX XXX XXX",
              "Universidad Politécnica de Madrid|Universitat Politècnica de Catalunya|University of Valencia"),
    "Mexico": ("Mexico City|Guadalajara|Monterrey", "+52 55 XXXX XXXX",
               "National Autonomous University of Mexico|Tecnológico de Monterrey"),
    "Colombia": ("Bogotá|Medellín|Cali", "+57 3XX XXX XXXX",
                 "Universidad de los Andes|Universidad Nacional de Colombia"),
    "Argentina": ("Buenos Aires|Córdoba|Rosario", "+54 9 11 XXXX-XXXX",
                  "University of Buenos Aires|Instituto Tecnológico de Buenos Aires"),
    "Chile": ("Santiago|Valparaíso", "+56 9 XXXX XXXX", "Pontifical Catholic University of Chile|University of Chile"),
    "Brazil": ("São Paulo|Rio de Janeiro|Florianópolis|Recife", "+55 11 9XXXX-XXXX|+55 21 9XXXX-XXXX",
               "University of São Paulo|University of Campinas|Federal University of Rio de Janeiro"),
    "Nigeria": ("Lagos|Abuja|Port Harcourt", "+234 80X XXX XXXX",
                "University of Lagos|Covenant University|University of Ibadan"),
    "Kenya": ("Nairobi|Mombasa|Kisumu", "+254 7XX XXX XXX", "University of Nairobi|Strathmore University"),
    "Ghana": ("Accra|Kumasi", "+233 24 XXX XXXX", "University of Ghana|Ashesi University"),
    "South Africa": ("Cape Town|Johannesburg|Durban", "+27 82 XXX XXXX",
                     "University of Cape Town|Stellenbosch University"),
    "Egypt": ("Cairo|Alexandria", "+20 10 XXXX XXXX", "Cairo University|American University in Cairo"),
    "United Arab Emirates": ("Dubai|Abu Dhabi", "+971 50 XXX XXXX",
                             "Khalifa University|American University of Sharjah"),
    "Jordan": ("Amman|Irbid", "+962 79 XXX XXXX", "University of Jordan|Princess Sumaya University for Technology"),
    "Morocco": ("Casablanca|Rabat", "+212 6XX-XXXXXX", "Mohammed V University|Al Akhawayn University"),
    "Saudi Arabia": ("Riyadh|Jeddah", "+966 5X XXX XXXX",
                     "King Saud University|King Abdullah University of Science and Technology"),
    "Japan": ("Tokyo|Osaka|Fukuoka", "+81 90-XXXX-XXXX", "University of Tokyo|Kyoto University|Osaka University"),
    "South Korea": ("Seoul|Busan|Seongnam", "+82 10-XXXX-XXXX", "KAIST|Seoul National University|Yonsei University"),
    "United States": ("San Francisco|Seattle|Austin|New York|Boston|Chicago",
                      "+1 (415) 555-01XX|+1 (206) 555-01XX|+1 (512) 555-01XX|+1 (212) 555-01XX",
                      "Stanford University|Carnegie Mellon University|Georgia Institute of Technology"
                      "|University of Michigan"),
    "United Kingdom": ("London|Manchester|Edinburgh|Bristol", "+44 7700 900XXX",
                       "University of Cambridge|Imperial College London|University of Edinburgh"),
    "Canada": ("Toronto|Vancouver|Montreal|Waterloo", "+1 (416) 555-01XX|+1 (604) 555-01XX",
               "University of Waterloo|University of Toronto|McGill University"),
    "Australia": ("Sydney|Melbourne|Brisbane", "+61 491 570 XXX", "University of Melbourne|UNSW Sydney"),
    "Ireland": ("Dublin|Cork", "+353 85 XXX XXXX", "Trinity College Dublin|University College Dublin"),
    "Netherlands": ("Amsterdam|Rotterdam|Utrecht|Eindhoven", "+31 6 XXXX XXXX",
                    "Delft University of Technology|University of Amsterdam|Eindhoven University of Technology"),
    "Sweden": ("Stockholm|Gothenburg|Malmö", "+46 70 XXX XX XX",
               "KTH Royal Institute of Technology|Chalmers University of Technology"),
    "Denmark": ("Copenhagen|Aarhus", "+45 2X XX XX XX", "Technical University of Denmark|University of Copenhagen"),
    "Norway": ("Oslo|Trondheim", "+47 4XX XX XXX", "Norwegian University of Science and Technology|University of Oslo"),
    "Turkey": ("Istanbul|Ankara|Izmir", "+90 5XX XXX XX XX", "Boğaziçi University|Middle East Technical University"),
    "Ukraine": ("Kyiv|Lviv|Kharkiv", "+380 67 XXX XXXX",
                "Kyiv Polytechnic Institute|Lviv Polytechnic National University"),
    "Indonesia": ("Jakarta|Bandung|Yogyakarta", "+62 812 XXXX XXXX",
                  "Bandung Institute of Technology|University of Indonesia"),
}.items()}

# (weight, first names, last names, countries)
CULTURES = [(w, items(f), items(last), items(c)) for w, f, last, c in [
    (3, "Mei|Wei|Xin|Jing|Hao|Yu|Lei|Ting|Jun|Yan|Zihan|Ruoxi",
     "Chen|Wang|Li|Zhang|Liu|Yang|Huang|Zhao|Wu|Zhou|Xu|Lin", "China"),
    (4, "Aarav|Priya|Rohan|Ananya|Vikram|Kavya|Arjun|Sneha|Rahul|Divya|Karthik|Meera|Aditya|Lakshmi",
     "Sharma|Patel|Iyer|Reddy|Gupta|Nair|Singh|Menon|Rao|Kulkarni|Bose|Das|Chatterjee|Joshi", "India"),
    (1, "Minh|Linh|Anh|Huy|Thảo|Quân|Trang|Đức|Phương|Tuấn", "Nguyễn|Trần|Lê|Phạm|Hoàng|Võ|Đặng|Bùi", "Vietnam"),
    (1, "Łukasz|Agnieszka|Paweł|Katarzyna|Michał|Zofia|Tomasz|Małgorzata|Piotr|Joanna",
     "Nowak|Wójcik|Kowalczyk|Zając|Krawczyk|Mazur|Król|Dudek|Pawlak|Wróbel", "Poland"),
    (2, "Lukas|Anna|Jonas|Lea|Felix|Hannah|Maximilian|Sophie|Jürgen|Katrin|Niklas|Jörg",
     "Müller|Schmidt|Schneider|Fischer|Weber|Becker|Wagner|Hoffmann|Schäfer|Koch", "Germany|Switzerland"),
    (1, "Camille|Léa|Hugo|Chloé|Théo|Manon|Mathieu|Élodie|Antoine|Inès",
     "Martin|Bernard|Dubois|Moreau|Laurent|Lefèvre|Girard|Fontaine|Rousseau|Mercier", "France|Switzerland"),
    (1, "José|María|Javier|Lucía|Álvaro|Carmen|Sergio|Marta|Pablo|Nuria",
     "García|Fernández|López|Martínez|Sánchez|Romero|Navarro|Ortiz|Muñoz|Iglesias", "Spain"),
    (2, "Sofía|Mateo|Valentina|Santiago|Camila|Diego|Isabela|Andrés|Gabriela|Joaquín",
     "Hernández|Rodríguez|Gómez|Díaz|Torres|Ramírez|Vargas|Castillo|Morales|Rojas", "Mexico|Colombia|Argentina|Chile"),
    (2, "João|Ana|Gabriel|Beatriz|Rafael|Larissa|Thiago|Fernanda|Lucas|Juliana",
     "Silva|Santos|Oliveira|Souza|Costa|Pereira|Almeida|Carvalho|Ribeiro|Araújo", "Brazil"),
    (2, "Chinedu|Ngozi|Tunde|Aisha|Emeka|Funmilayo|Oluwaseun|Chiamaka|Ibrahim|Adaeze",
     "Okafor|Adeyemi|Okonkwo|Balogun|Eze|Nwosu|Adebayo|Obi|Bello|Ogunleye", "Nigeria"),
    (1, "Wanjiru|Brian|Achieng|Kevin|Njeri|Dennis|Akinyi|Collins|Wambui|Faith",
     "Kamau|Otieno|Mwangi|Odhiambo|Njoroge|Wafula|Kiprop|Kariuki|Omondi|Chebet", "Kenya"),
    (1, "Kwame|Ama|Kofi|Abena|Yaw|Efua|Kwabena|Akosua",
     "Mensah|Owusu|Boateng|Asante|Osei|Appiah|Darko|Agyeman", "Ghana"),
    (1, "Thabo|Lerato|Sipho|Naledi|Pieter|Anele", "Nkosi|Dlamini|Mokoena|van der Merwe|Ndlovu|Botha", "South Africa"),
    (2, "Omar|Layla|Youssef|Fatima|Karim|Nour|Hassan|Salma|Tariq|Yasmin|Khalid|Rania",
     "Haddad|Khalil|Mansour|El-Sayed|Nasser|Hamdan|Saleh|Farouk|Benali|Aziz|Al-Amin|Darwish",
     "Egypt|United Arab Emirates|Jordan|Morocco|Saudi Arabia"),
    (1, "Haruto|Yui|Sota|Aoi|Ren|Hina|Kenji|Sakura|Takumi|Yuki",
     "Sato|Suzuki|Takahashi|Tanaka|Watanabe|Ito|Yamamoto|Nakamura|Kobayashi|Kato", "Japan"),
    (1, "Ji-woo|Min-jun|Seo-yeon|Hyun-woo|Ji-hoon|Su-bin|Ha-eun|Do-yun",
     "Kim|Lee|Park|Choi|Jung|Kang|Yoon|Han", "South Korea"),
    (4, "Emily|James|Olivia|Noah|Zoë|Liam|Chloe|Ethan|Grace|Owen|Hannah|Jack|Maya|Caleb|Niamh|Rhys",
     "Smith|Johnson|Walker|Bennett|Carter|Hughes|Murphy|Reid|Campbell|O'Brien|Thompson|Evans|Mitchell|Brooks",
     "United States|United Kingdom|Canada|Australia|Ireland"),
    (1, "Zoë|Daan|Sanne|Bram|Jeroen|Femke|Sven|Lotte|Joost|Anouk",
     "de Vries|Jansen|van Dijk|Bakker|Visser|Smit|Meijer|de Jong|van den Berg|Mulder", "Netherlands"),
    (1, "Björn|Åsa|Erik|Ingrid|Oskar|Maja|Søren|Freja|Magnus|Sigrid",
     "Andersson|Johansson|Lindqvist|Nilsson|Berg|Sjöberg|Hansen|Jensen|Larsen|Halvorsen", "Sweden|Denmark|Norway"),
    (1, "Emre|Elif|Can|Zeynep|Mert|Ayşe|Burak|Selin", "Yılmaz|Kaya|Demir|Şahin|Çelik|Öztürk|Arslan|Doğan", "Turkey"),
    (1, "Oleksandr|Olena|Dmytro|Iryna|Andrii|Kateryna",
     "Shevchenko|Kovalenko|Bondarenko|Tkachenko|Melnyk|Kravchenko", "Ukraine"),
    (1, "Putri|Budi|Ayu|Rizky|Dewi|Agus", "Santoso|Wijaya|Pratama|Hidayat|Kusuma|Saputra", "Indonesia"),
]]

# Fictional companies: name -> (what it works on, year founded); nobody joins a company before it exists.
COMPANIES = {name: (domain, int(year)) for name, domain, year in (line.split(": ") for line in items("""
Northwind Robotics: warehouse robotics: 2012|Bluefin Payments: payments: 2011
Cedar Health Systems: hospital software: 1994|Lumen Logistics: freight logistics: 1988
Orbitstack: cloud infrastructure: 2013|Kestrel Analytics: retail analytics: 2005
Harborline Shipping: container shipping: 1979|Quillpad: note-taking: 2015|Tidewater Energy: energy trading: 1998
Solstice Mobility: ride-hailing: 2014|Pinecrest Insurance: insurance claims: 1972
Marigold Learning: online learning: 2012|Atlas Grocers: grocery retail: 1985|Vantage Bank: retail banking: 1968
Copperleaf Games: mobile gaming: 2010|Silverline Telecom: telecom billing: 1983
Greenfield Agritech: precision farming: 2016|Nimbus Media: video streaming: 2009|Foxglove Travel: travel booking: 2001
Redwood Realty Tech: property management: 2013|Brightpath HR: HR software: 2006
Ironclad Identity: identity and access: 2014|Meridian Biotech: drug discovery: 1999
Polaris Space: satellite imaging: 2015|Saffron Foods: restaurant ordering: 2016|Driftwood Studio: design tooling: 2018
Evergreen Climate: carbon accounting: 2019|Cobalt Lending: lending: 2013|Halcyon Telehealth: telemedicine: 2017
Juniper Marketplace: online marketplace: 2008|Aurora Semiconductors: chip design tooling: 1990
Sparrow Social: social networking: 2011|Granite Build: construction planning: 1995
Nova Micromobility: e-scooter sharing: 2018|Opal Wealth: wealth management: 1992
Beacon Civic Tech: public services: 2014|Tessellate AI: document AI: 2020|Lighthouse Legal: legal tech: 2003
Maple Cold Chain: cold-chain logistics: 1997|Mosaic Retail: e-commerce: 1999
Sundial Scheduling: workforce scheduling: 2010|Riverbend Water: water utilities: 1965|Helix Genomics: genomics: 2008
Crescent Remit: cross-border payments: 2015|Tandem Ticketing: event ticketing: 2004
Keystone Mutual: life insurance: 1958|Ironbridge Manufacturing: industrial equipment: 1961
Fairway Airlines: airline operations: 1966|Continental Rail Systems: rail signalling: 1974
Baywater Publishing: publishing: 1981|Sterling Stores: department stores: 1970"""))}
CONSULTANCIES = items("Stonebridge Advisory|Fathom Partners|Brightwater Advisory|Lattice & Loom Consulting"
                      "|Keel Engineering Advisors|Northstar Consulting")
ABROAD = items("United States|United Kingdom|Germany|Netherlands|Switzerland|Canada|Australia|Sweden|France|Japan")
OPERATOR = ("Braid", "talent marketplace")  # the platform itself employs the two admins

EDU_LEVELS = ["high_school", "associate", "bachelor", "master", "doctorate"]
EDU_CHAIN = {"high_school": [], "associate": ["associate"], "bachelor": ["bachelor"],
             "master": ["bachelor", "master"], "doctorate": ["bachelor", "master", "doctorate"]}
DEGREE_YEARS = {"associate": (2,), "bachelor": (3, 4, 4), "master": (1, 2, 2), "doctorate": (4, 5)}
MIN_AGE = {"high_school": 21, "associate": 22, "bachelor": 23, "master": 26, "doctorate": 33}
ROLE_AGES = {"individual": (21, 52, 29), "employer": (28, 60, 38), "expert": (34, 65, 46)}  # low, high, mode
ROLE_EDU = {"individual": "1,1,6,3,1", "employer": "1,1,6,3,0", "expert": "0,0,4,4,2"}  # weights of EDU_LEVELS

# field of study -> thesis topics, "YEAR topic" for topics nobody wrote about before YEAR
FIELD_TOPICS = {k: [(int(x[:4]), x[5:]) if x[:4].isdigit() else (0, x) for x in items(v)] for k, v in {
    "Computer Science": "consensus protocols for replicated databases|compiler optimisation for embedded targets"
                        "|2017 graph neural networks for fraud detection|energy-aware job scheduling|verified parsers",
    "Software Engineering": "2010 flaky tests in large monorepos|code review latency in open-source projects"
                            "|2012 technical debt in microservice migrations|static analysis of build scripts",
    "Computer Engineering": "low-power sensor networks|FPGA acceleration of video codecs|real-time firmware updates",
    "Mathematics": "random graph percolation|numerical stability of sparse solvers|combinatorics of tilings",
    "Statistics": "hierarchical models for sales data|2010 sequential testing in online experiments"
                  "|survival analysis of churn",
    "Data Science": "forecasting electricity demand|2016 fairness metrics for credit scoring"
                    "|entity resolution at scale",
    "Electrical Engineering": "battery state-of-charge estimation|radar signal denoising|smart-grid load balancing",
    "Physics": "Monte Carlo simulation of particle showers|2016 machine learning for gravitational-wave detection",
    "Interaction Design": "2012 voice interfaces for older adults|haptic feedback in navigation devices"
                          "|designing for slow networks",
    "Graphic Design": "wayfinding systems for hospitals|2016 variable typefaces for multilingual interfaces",
    "Human-Computer Interaction": "screen-reader navigation patterns|2015 trust in AI-assisted decisions"
                                  "|menu design for novices",
    "Industrial Design": "repairable consumer electronics|modular furniture for small apartments",
    "Psychology": "structured interviews and hiring bias|motivation in distributed teams"
                  "|decision fatigue among managers",
    "Business Administration": "pricing strategies of two-sided marketplaces|2008 scaling customer success in SaaS",
    "Economics": "labour market matching for engineers|remittance costs in emerging markets",
    "Communications": "2008 employer branding on professional networks|crisis communication in tech companies",
    "Human Resources Management": "skills-based hiring|retention of early-career engineers"
                                  "|2015 onboarding of remote hires",
    "Information Systems": "ERP adoption in small manufacturers|data governance in public agencies",
    "Industrial Engineering": "warehouse slotting optimisation|queueing models for call centres",
}.items()}
EDU_NOTES = items("""Thesis on {topic}.|Final project on {topic}, graded {grade}.
Teaching assistant for introductory {field_l} courses for {sem} semesters.
Exchange semester at {other}; final project on {topic}.|Graduated {grade}; dissertation on {topic}.
Organised the {field_l} society's hackathon for {sem} years running.""")
GRADES = items("with distinction|with first-class honours|cum laude|summa cum laude|with a 3.9 GPA|top of the cohort")

# One block per kind of person: "== key role count [option=value ...]", then "field: value" lines.
# "win YEAR:" lines (past-tense achievements) only describe jobs that ended in or after YEAR. Employers and
# experts describe their current job with their own wins and earlier jobs with those of their base track.
# A project is "name: what it does: technologies". Indented lines continue the line above.
TRACK_TEXT = """
== backend individual 18
titles: Junior Backend Engineer|Backend Engineer|Senior Backend Engineer|Staff Backend Engineer
    |Principal Backend Engineer
skills: Go|Rust|Java|Kotlin|Python|PostgreSQL|Redis|Apache Kafka|gRPC|Docker|Kubernetes|Spring Boot|AWS|API Design
    |Microservices
focus: payment systems|high-throughput APIs|event-driven services|search infrastructure|billing platforms
fields: Computer Science|Software Engineering|Computer Engineering|Mathematics
win: cut p99 latency of the {domain} API from {ms_a} ms to {ms_b} ms by reworking caching and connection pooling
win 2011: split the {domain} monolith into {n} {lang} services without a single hour of planned downtime
win: designed the idempotent retry layer that now processes {k}k {domain} events a day
win 2012: replaced nightly {domain} batch jobs with a Kafka streaming pipeline, so data lands within seconds
win 1997: moved the {domain} core database onto PostgreSQL and reduced on-call pages by {pct}%
project: Ledger reconciliation service: matches bank exports against internal ledgers and flags drift:
    Rust, PostgreSQL, Apache Kafka
project: Rate limiter library: provides token-bucket rate limiting shared across services: Go, Redis
project: Postgres job queue: runs durable background jobs on Postgres with SKIP LOCKED: Python, PostgreSQL, Docker
== frontend individual 14
titles: Junior Frontend Engineer|Frontend Engineer|Senior Frontend Engineer|Staff Frontend Engineer
    |Principal Frontend Engineer
skills: TypeScript|JavaScript|React|Vue.js|Angular|Next.js|Svelte|Tailwind CSS|GraphQL|Figma|Accessibility (WCAG)
    |Design Systems|Playwright
focus: design systems|fast, accessible web apps|checkout experiences|data-heavy dashboards|web performance
fields: Computer Science|Software Engineering|Interaction Design|Information Systems
win: rebuilt the {domain} dashboard in {lang}, cutting page load time from {s_a} s to {s_b} s
win 2014: shipped a shared component library that {n} product teams adopted within a quarter
win 2009: brought the {domain} web app to WCAG AA and closed {big} accessibility audit findings
win 2012: shrank the JavaScript bundle of the {domain} web app by {pct}% with route-level code splitting
win 2020: introduced Playwright end-to-end tests that caught {big} regressions before release
project: Contrast checker extension: flags low-contrast text on any page against WCAG thresholds: TypeScript, Svelte
project: Offline recipe box: syncs recipes as a progressive web app whenever connectivity returns:
    TypeScript, React, Next.js
project: Markdown slides: renders Markdown files as keyboard-driven presentations: JavaScript, Vue.js, Tailwind CSS
== fullstack individual 14
titles: Junior Software Engineer|Software Engineer|Senior Software Engineer|Staff Software Engineer
    |Principal Software Engineer
skills: TypeScript|Python|Ruby|PHP|Node.js|React|Next.js|Django|Ruby on Rails|PostgreSQL|MySQL|Redis|GraphQL|Docker
    |AWS|CI/CD
focus: B2B SaaS products|two-sided marketplaces|internal tooling|customer-facing web products
fields: Computer Science|Software Engineering|Information Systems|Physics
win: built the {domain} self-serve onboarding flow end to end, lifting activation by {pct}%
win: shipped {n} customer-facing features in {months} months as the first engineer on the {domain} team
win 2016: moved the {domain} admin tools from server templates to a typed GraphQL API
win: automated {domain} invoice exports that used to take the finance team {n} hours a week
project: Tool library: lets neighbours lend and borrow tools, with due-date reminders: Ruby on Rails, PostgreSQL, Ruby
project: Trip expense splitter: tracks shared trip costs and settles them across currencies:
    TypeScript, Next.js, PostgreSQL
project: Volunteer shift planner: schedules food-bank volunteers and sends SMS reminders: Python, Django, Redis
== mobile individual 10 max_age=45
titles: Junior Mobile Developer|Mobile Developer|Senior Mobile Engineer|Lead Mobile Engineer|Principal Mobile Engineer
skills: Swift|Kotlin|Dart|SwiftUI|Jetpack Compose|Flutter|React Native|TypeScript|GraphQL|SQLite|CI/CD
    |Accessibility (WCAG)
focus: consumer mobile apps|offline-first mobile apps|mobile payments|health and fitness apps
fields: Computer Science|Software Engineering|Computer Engineering
win 2009: rewrote the {domain} app's sign-up flow in {lang}, raising mobile conversion by {pct}%
win 2012: raised crash-free sessions of the {domain} app from {pct_hi}% to above 99.8%
win 2010: cut cold start of the {domain} Android app from {s_a} s to {s_b} s
win 2010: shipped offline sync for {k}k field users of the {domain} app
win: set up a release train that moved the {domain} apps from monthly to weekly releases
project: Transit widget: shows live departures for nearby stops on the home screen: Swift, SwiftUI
project: Plant care reminders: schedules watering by species and season on iOS and Android: Dart, Flutter, SQLite
project: Loop route planner: plans running loops of a chosen distance from open map data: Kotlin, Jetpack Compose
== data_scientist individual 12 max_age=45 edu=0,0,4,5,2
titles: Junior Data Scientist|Data Scientist|Senior Data Scientist|Lead Data Scientist|Principal Data Scientist
skills: Python|SQL|pandas|scikit-learn|Statistics|A/B Testing|PyTorch|Snowflake|dbt|Apache Spark|Technical Writing
focus: pricing and forecasting|experimentation|churn and retention modelling|causal inference
fields: Statistics|Mathematics|Data Science|Economics|Physics
win: built the {domain} demand forecast that cut planning errors by {pct}%
win 2010: designed the experimentation framework behind {big} A/B tests a year
win: modelled churn for {k}k {domain} customers and fed weekly risk scores to the success team
win 2014: replaced rule-based {domain} fraud flags with a gradient-boosted model and halved false positives
project: Bike-share forecast: forecasts hourly bike demand per station from weather and events:
    Python, pandas, scikit-learn
project: Sequential testing notebook: explains peeking and always-valid p-values with simulations: Python, Statistics
project: Rent explainer: shows which factors drive regional rent changes: Python, pandas, SQL
== ml_engineer individual 12 max_age=42 edu=0,0,4,5,2
titles: Junior ML Engineer|Machine Learning Engineer|Senior ML Engineer|Staff ML Engineer|Principal ML Engineer
skills: Python|PyTorch|TensorFlow|Hugging Face Transformers|MLflow|Kubernetes|Docker|Rust
    |Retrieval-Augmented Generation|LLM Fine-tuning|Computer Vision|Natural Language Processing|Google Cloud
focus: search ranking|recommendation systems|LLM applications|computer vision in production|model serving
fields: Computer Science|Data Science|Mathematics|Electrical Engineering
win 2021: shipped a retrieval-augmented assistant that resolves {pct}% of {domain} support tickets without escalation
win 2016: cut {domain} ranking inference costs by {pct}% by distilling and quantising the model
win 2017: built the feature store behind {n} production models across the {domain} product
win 2013: trained the {domain} image-quality model that now screens {k}k uploads a day
win 2005: built the {domain} search ranking model, lifting click-through by {pct}%
project: Resume skill extractor: tags skills in CVs with a fine-tuned token classifier:
    Python, Hugging Face Transformers, PyTorch
project: Semantic code search: embeds functions and answers natural-language queries over a codebase:
    Python, Rust, Retrieval-Augmented Generation
project: Bird call classifier: identifies bird species from short audio clips recorded on a phone:
    Python, PyTorch, MLflow
== data_engineer individual 10 max_age=45
titles: Junior Data Engineer|Data Engineer|Senior Data Engineer|Lead Data Engineer|Principal Data Engineer
skills: Python|SQL|Scala|Apache Spark|Apache Kafka|Apache Airflow|dbt|Snowflake|ClickHouse|PostgreSQL|AWS|Terraform
    |Google Cloud
focus: streaming pipelines|analytics platforms|data quality|lakehouse architecture
fields: Computer Science|Information Systems|Mathematics|Industrial Engineering
win 2015: migrated {n} {domain} pipelines from cron scripts to Apache Airflow, with lineage and alerting
win 2012: built a change-data-capture stream delivering {k}k {domain} rows a minute to the warehouse
win 2018: introduced data contracts that cut broken {domain} dashboards by {pct}%
win: reduced warehouse spend by {pct}% by partitioning the largest {domain} tables
project: Transit data lake: ingests public GTFS feeds into Parquet with daily snapshots: Python, Apache Spark, AWS
project: dbt freshness checks: adds declarative row-count and freshness tests to dbt projects: Python, dbt, SQL
project: Weather ETL: loads hourly weather data with backfills and schema evolution:
    Python, Apache Airflow, ClickHouse
== devops individual 10 max_age=48
titles: Junior DevOps Engineer|DevOps Engineer|Senior Site Reliability Engineer|Staff Site Reliability Engineer
    |Principal Platform Engineer
skills: Kubernetes|Terraform|AWS|Google Cloud|Azure|Docker|Helm|Prometheus|Grafana|Linux|Go|Python|GitHub Actions
    |OpenTelemetry|Site Reliability Engineering|Incident Management
focus: Kubernetes platforms|observability|internal developer platforms|cloud cost|incident response
fields: Computer Science|Computer Engineering|Information Systems|Electrical Engineering
win 2015: moved {n} {domain} services onto Kubernetes and cut deploy time from {min_a} to {min_b} minutes
win 2016: rolled out SLOs and error budgets for the {domain} platform, reducing pages by {pct}%
win 2009: cut the {domain} cloud bill by {pct}% through rightsizing and spot capacity
win 2014: built a golden-path service template that {n} {domain} teams adopted in their first month
win: automated {n} incident runbooks after leading the {domain} outage review
project: Terraform drift reporter: posts nightly infrastructure drift to team chat: Go, Terraform, GitHub Actions
project: Homelab GitOps: runs a small Kubernetes cluster entirely from pull-based deploys: Kubernetes, Helm, Linux
project: Log sampling proxy: sheds noisy logs before they reach the vendor bill: Go, OpenTelemetry, Prometheus
== operator individual 2 base=devops max_age=45
titles: Support Engineer|Site Reliability Engineer|Senior Site Reliability Engineer|Platform Operations Lead
    |Head of Platform Operations
skills: Kubernetes|PostgreSQL|Redis|Observability|Incident Management|Python|Technical Writing|Linux
focus: marketplace reliability|trust and safety tooling|operations for a talent marketplace
fields: Computer Science|Information Systems
win: kept the Braid marketplace above 99.95% availability through {n} major launches
win: built the moderation queue that reviews {k}k new profiles and job posts a month
win: automated account recovery and cut {domain} support tickets by {pct}%
== designer individual 12
titles: Junior Product Designer|Product Designer|Senior Product Designer|Lead Product Designer|Principal Designer
skills: Figma|Sketch|User Research|Prototyping|Interaction Design|Design Systems|Accessibility (WCAG)
    |Usability Testing|Information Architecture|Facilitation
focus: onboarding flows|design systems|complex B2B workflows|mobile banking experiences|accessible public services
fields: Interaction Design|Graphic Design|Human-Computer Interaction|Psychology|Industrial Design
win: redesigned the {domain} onboarding flow, lifting completion from {pct_lo}% to {pct_hi}%
win: ran {n} rounds of usability testing with {n2} participants before the {domain} relaunch
win 2017: built the {domain} design system in Figma, now used by {n} squads
win: cut the {domain} settings area from {n2} screens to {n}
project: Museum wayfinding concept: guides visually impaired visitors through a museum, tested with {n} participants:
    Figma, Prototyping, User Research
project: Transit icon set: provides 200 open-licence pictograms for transport apps: Sketch, Design Systems
project: Clinic booking redesign: rethinks a clinic's appointment flow, with published usability findings:
    Figma, Usability Testing
== pm individual 10
titles: Associate Product Manager|Product Manager|Senior Product Manager|Group Product Manager|Director of Product
skills: Product Discovery|Roadmapping|OKRs|A/B Testing|SQL|User Research|Stakeholder Management|Agile
    |Technical Writing|Cross-functional Communication|Figma
focus: growth|payments products|developer tools|marketplace products|B2B platforms
fields: Business Administration|Economics|Computer Science|Industrial Engineering
win 2008: launched {domain} subscriptions, reaching {k}k paying customers in the first year
win: cut time-to-value for new {domain} accounts from {n2} days to {n} days
win: ran discovery interviews with {big} customers that reshaped the {domain} roadmap
win: grew weekly active {domain} users by {pct}% through onboarding experiments
project: Meeting cost calculator: estimates the yearly cost of recurring meetings in a calendar: JavaScript, Figma
project: Pricing teardown newsletter: dissects one SaaS pricing page every month: SQL, A/B Testing
== qa individual 10
titles: Junior QA Engineer|QA Engineer|Senior QA Engineer|QA Lead|Head of Quality Engineering
skills: Test Automation|Playwright|Cypress|Python|Java|TypeScript|CI/CD|Performance Tuning|Test-Driven Development
    |SQL|Agile|API Design
focus: test automation|release quality|performance testing|mobile QA
fields: Computer Science|Software Engineering|Information Systems
win: automated {big} regression cases for the {domain} platform, shrinking release checks from {n} days to one
win 2008: built a {lang} test suite that runs in {min_b} minutes on every pull request
win: introduced load tests that exposed {a_domain} bottleneck weeks before peak season
win: cut escaped defects in the {domain} app by {pct}%
project: Flaky test detector: reruns failing tests and quarantines flaky ones with a weekly report:
    Python, GitHub Actions
project: Contract test starter: demonstrates consumer-driven contract tests for REST and GraphQL:
    TypeScript, GraphQL, Playwright
== security individual 6
titles: Security Analyst|Security Engineer|Senior Security Engineer|Staff Security Engineer
    |Principal Security Engineer
skills: Threat Modeling|Penetration Testing|OAuth and OpenID Connect|Go|Python|Rust|AWS|Kubernetes|Linux
    |Incident Management|Code Review
focus: application security|cloud security|identity and access|software supply-chain security
fields: Computer Science|Computer Engineering|Mathematics
win: ran threat models for {n} {domain} services and closed {big} findings
win 2014: rolled out hardware security keys to every engineer in the company
win 2012: built secret scanning into CI, catching {big} leaked credentials before merge
win 2010: led the {domain} SOC 2 audit preparation, passing with no major findings
project: Dependency audit bot: opens pull requests for vulnerable dependencies with changelog summaries:
    Go, GitHub Actions
project: CTF practice range: hosts capture-the-flag challenges for team security training: Python, Docker, Linux
== student individual 10
titles: Machine Learning Intern|Software Engineering Intern|Mobile Engineering Intern|Data Science Intern
    |Backend Engineering Intern
skills: Python|Java|JavaScript|C++|React|SQL|Linux|PyTorch|pandas|Figma|Statistics|Node.js|Flutter
focus: machine learning|web development|mobile development|data analysis|backend development
fields: Computer Science|Software Engineering|Data Science|Computer Engineering|Mathematics
win: built an internal {lang} dashboard that {domain} support staff now use daily
win: wrote {big} unit tests for the {domain} billing module and fixed the {n} bugs they exposed
win: prototyped a {lang} service that turned a manual {domain} report from hours into minutes
project: Campus event finder: aggregates student society events into one searchable calendar:
    JavaScript, React, Node.js
project: Timetable optimiser: builds clash-free course timetables with a constraint solver: Python, C++
project: Digit recogniser: trains a small convolutional network and runs it in the browser:
    Python, PyTorch, JavaScript
project: Study group matcher: pairs students by course, schedule and study style: Flutter, SQL
== recruiter employer 18 min=1
titles: Recruiting Coordinator|Technical Recruiter|Senior Technical Recruiter|Lead Technical Recruiter
    |Head of Talent Acquisition
skills: Technical Recruiting|Talent Sourcing|Employer Branding|Interviewing|Negotiation|Stakeholder Management
    |Cross-functional Communication|Public Speaking
fields: Psychology|Business Administration|Communications|Human Resources Management
duty: owning engineering hiring end to end, from sourcing and screening to closing offers
duty: partnering with engineering managers on role scoping, interview loops and calibrated feedback
duty: running sourcing campaigns and meetups for hard-to-fill technical roles
win: hired {n2} engineers in {months} months for the {domain} platform build-out
win: cut time-to-offer from {n2} to {n} days by restructuring the interview loop
win: launched a referral programme that produced {pct}% of engineering hires
win: built a sourcing pipeline that doubled the share of women among {domain} engineering hires
== hiring_manager employer 12 base=fullstack min=3
titles: Software Engineer|Senior Software Engineer|Tech Lead|Engineering Manager|Senior Engineering Manager
skills: Team Leadership|Mentoring|Interviewing|System Design|Stakeholder Management|Agile|OKRs
fields: Computer Science|Software Engineering|Computer Engineering
duty: managing a team of {n} engineers and growing it to {n2} this year
duty: running the team's hiring loop and reading every work sample personally
duty: looking for engineers who like owning problems from design doc to production
win: grew the {domain} team from {n} to {n2} engineers with no regretted attrition
win: introduced a structured interview rubric that {n} teams now use
win: shipped the {domain} platform rewrite while onboarding {n} new hires
== founder employer 8 base=pm min=4
titles: Product Analyst|Product Manager|Senior Product Manager|Head of Product|Co-founder & CEO
skills: Product Discovery|Roadmapping|Stakeholder Management|Negotiation|Public Speaking|Team Leadership|Interviewing
fields: Business Administration|Economics|Computer Science
duty: hiring the first {n} engineers after a seed round earlier this year
duty: interviewing every engineering candidate personally and still reviewing the odd pull request
duty: building a small, senior team that ships weekly and talks to customers directly
win: co-founded {company} and signed the first {n2} paying {domain} customers
win: grew {company} to {k}k monthly active users with a team of {n}
win: closed a seed round and hired the founding engineering team at {company}
== cto employer 7 base=backend min=4
titles: Software Engineer|Senior Software Engineer|Engineering Lead|VP of Engineering|CTO
skills: System Design|Team Leadership|Domain-Driven Design|Stakeholder Management|Public Speaking|Interviewing
fields: Computer Science|Software Engineering|Electrical Engineering
duty: leading an engineering organisation of {n2} people across {n} teams
duty: setting the technical strategy and hiring senior engineers to own core systems
duty: hiring for curiosity and clear writing rather than specific frameworks
win: took the {domain} engineering organisation from {n} to {n2} engineers and to weekly releases
win: led {company} through SOC 2 and its first enterprise contracts
win: replaced a fragile {domain} monolith with {n} well-owned services over two years
== cloud_architect expert 7 base=devops min=4
titles: Systems Administrator|Systems Engineer|Infrastructure Engineer|Principal Infrastructure Architect
    |Independent Cloud Architect
skills: AWS|Google Cloud|Azure|Kubernetes|Terraform|System Design|Observability|Public Speaking
focus: Kubernetes cost and reliability|multi-region architecture on AWS|cloud migrations|platform engineering strategy
fields: Computer Science|Computer Engineering|Electrical Engineering
win: reviewed the platform of {a_domain} scale-up and cut its cloud spend by {pct}% in one quarter
win: designed a multi-region failover plan for {a_domain} company and ran its first live game day
win: coached {n} platform teams through their first production Kubernetes clusters
== ml_researcher expert 7 base=ml_engineer min=4 edu=0,0,1,3,6
titles: Research Assistant|Machine Learning Researcher|Senior Research Scientist|Principal Research Scientist
    |ML Research Advisor
skills: Python|PyTorch|Natural Language Processing|Computer Vision|LLM Fine-tuning|Statistics
    |Hugging Face Transformers|Technical Writing|Public Speaking
focus: evaluating LLM systems|responsible AI and model audits|speech and language models|recommendation research
fields: Computer Science|Mathematics|Statistics|Physics
win: designed an evaluation suite of {big} test cases for {a_domain} company's LLM assistant
win: audited a lender's credit model for bias and helped the team ship a fairer replacement
win: published {n} peer-reviewed papers on retrieval and ranking with industry co-authors
== security_auditor expert 6 base=security min=4
titles: Security Analyst|Penetration Tester|Senior Security Consultant|Principal Security Consultant
    |Independent Security Auditor
skills: Penetration Testing|Threat Modeling|OAuth and OpenID Connect|Code Review|AWS|Linux|Technical Writing
    |Incident Management
focus: application security audits|SOC 2 and ISO 27001 readiness|cloud security posture|secure software supply chains
fields: Computer Science|Computer Engineering|Mathematics
win: ran a penetration test of {a_domain} platform that uncovered {n} critical issues before launch
win: prepared {n} start-ups for SOC 2 Type II, each passing on the first attempt
win: reviewed the {lang} codebase of {a_domain} company and trained its engineers in secure code review
== eng_coach expert 6 base=fullstack min=4
titles: Software Engineer|Engineering Manager|Director of Engineering|VP of Engineering|Engineering Leadership Coach
skills: Coaching|Team Leadership|Mentoring|Facilitation|OKRs|Agile|Stakeholder Management|Public Speaking
focus: engineering management|scaling teams from 10 to 100 engineers|delivery practices|the first year as a manager
fields: Computer Science|Psychology|Software Engineering
win: coached {n} first-time engineering managers at {a_domain} scale-up through their first year
win: helped {a_domain} company halve its lead time for changes by redrawing team boundaries
win: ran leadership workshops for {big} engineering managers across {n} companies
== architect expert 6 base=backend min=4
titles: Software Engineer|Senior Software Engineer|Software Architect|Chief Architect|Software Architecture Consultant
skills: Domain-Driven Design|Event Sourcing|Microservices|System Design|API Design|Java|Kotlin|Apache Kafka
    |Technical Writing
focus: domain-driven design|event-driven architecture|modernising legacy systems|API strategy
fields: Computer Science|Software Engineering|Mathematics
win: facilitated event-storming sessions that split {a_domain} monolith into {n} bounded contexts
win: guided {a_domain} company from nightly batches to event-driven integration on Kafka
win: wrote the API guidelines that {n2} teams at {a_domain} enterprise now follow
== data_consultant expert 5 base=data_engineer min=4
titles: Data Analyst|BI Developer|Data Warehouse Architect|Head of Data|Data Platform Consultant
skills: SQL|dbt|Snowflake|Apache Airflow|Apache Spark|Python|ClickHouse|Stakeholder Management
focus: modern data stacks|data governance|analytics engineering|warehouse cost control
fields: Statistics|Computer Science|Economics|Information Systems
win: designed the dbt warehouse model for {a_domain} company, replacing {n2} ad-hoc spreadsheets
win: set up data ownership and quality checks across {n} domains at {a_domain} scale-up
win: cut {a_domain} client's warehouse bill by {pct}% without losing a single dashboard
== career_coach expert 4 base=fullstack min=4
titles: Software Engineer|Senior Software Engineer|Engineering Manager|Technical Recruiting Lead
    |Career Coach for Engineers
skills: Coaching|Interviewing|Mentoring|Negotiation|System Design|Technical Recruiting|Public Speaking
focus: technical interview preparation|salary negotiation|career changes into tech
    |promotion cases for senior engineers
fields: Computer Science|Psychology|Communications
win: prepared {big} engineers for technical interviews, most of them landing offers within three months
win: ran mock system-design interviews for {n2} candidates moving into senior roles
win: helped {n2} career changers from teaching and finance land their first engineering jobs
== accessibility expert 4 base=designer min=4
titles: UX Designer|Senior UX Designer|Accessibility Specialist|Head of Accessibility|Accessibility Consultant
skills: Accessibility (WCAG)|Usability Testing|User Research|Design Systems|Interaction Design|JavaScript|Facilitation
focus: WCAG compliance|inclusive design systems|accessible mobile apps|accessibility audits
fields: Human-Computer Interaction|Interaction Design|Psychology
win: audited {a_domain} web app against WCAG 2.2 and helped the team fix {big} issues
win: trained {n2} designers and engineers at {a_domain} company in screen-reader testing
win: wrote accessible component guidelines for {a_domain} company's design system
"""


def parse_tracks(text):
    tracks = {}
    for block in text.split("\n== ")[1:]:
        head, *lines = re.sub(r"\n +", " ", block.strip()).splitlines()  # indented lines continue the one above
        key, role, n, *options = head.split()
        t = dict(role=role, n=int(n), base=key, min="0", max_age=str(ROLE_AGES[role][1]), edu=ROLE_EDU[role],
                 wins=[], projects=[], duties=[])
        t.update(option.split("=") for option in options)
        for line in lines:
            field, value = line.split(": ", 1)
            if field.startswith("win"):
                t["wins"].append((int(field[4:] or 0), value))
            elif field in ("project", "duty"):
                t[{"project": "projects", "duty": "duties"}[field]].append(value)
            else:
                t[field] = items(value)
        t["min"], t["max_age"], t["edu"] = int(t["min"]), int(t["max_age"]), [int(w) for w in t["edu"].split(",")]
        assert len(t["titles"]) == 5 and t["wins"] and all(s in SKILL_CATEGORY for s in t["skills"]), key
        assert all(f in FIELD_TOPICS for f in t["fields"]), key
        assert all(s in SKILL_CATEGORY for p in t["projects"] for s in p.split(": ")[2].split(", ")), key
        tracks[key] = t
    return tracks


TRACKS = parse_tracks(TRACK_TEXT)
GENERIC_WINS = [(0, w) for w in items(  # for jobs too early for any of their track's achievements
    "kept the {domain} release process on schedule through {n} major launches"
    "|documented the {domain} systems and onboarded {n} new colleagues"
    "|replaced a manual {domain} reporting process with scripts, saving {n} hours a week")]
LEAD_WINS = items("mentored {n} colleagues, two of whom were later promoted"
                  "|ran hiring for the {domain} team and made {n} offers"
                  "|wrote the design review process the {domain} group still uses")
HIRES = items("backend and platform engineers|data and ML engineers|mobile engineers|product designers"
              "|engineering managers|site reliability engineers|frontend engineers|full-stack engineers"
              "|security engineers")
AUDIENCES = items("scale-ups|fintech teams|engineering leaders|Series A start-ups|platform teams|public-sector teams"
                  "|healthcare companies|CTOs of growing companies")
HEADLINES = {  # lists, not items(): some headlines use "|" as a separator
    "individual": ["{title} working on {focus}", "{title} at {company} · {tech} and {tech2}",
                   "{title} focused on {focus}", "{title} | {focus} | {tech}", "{title} · {focus} · {city}"],
    "open": ["{title} · open to new roles in {focus}", "Open to work: {title} experienced in {focus}",
             "{title} ({tech}, {tech2}) looking for the next role in {focus}"],
    "student": ["{field} student at {inst} · looking for a {focus} internship",
                "{degree} student in {field} at {inst}, into {focus}",
                "{field} at {inst} · {focus} · {tech} and {tech2}"],
    "employer": ["{title} at {company} · hiring {hires}", "Hiring {hires} at {company} | {title}",
                 "{title}, {company} · hiring {hires} for our {domain} platform",
                 "{title} · {company} is hiring {hires}"],
    "expert": ["{title} advising {audience} on {focus}", "Advisor to {audience} on {focus} · {title}",
               "{title} · I advise {audience} on {focus}", "Advising {audience} on {focus} | formerly {prev_title}"],
}
INTROS = {  # (kind, first person?) -> opening sentences
    ("individual", True): items("I'm {a_title} in {city} with {yrs} of experience in {focus}."
                                "|I have spent {yrs} working on {focus}, most recently as {a_title}."),
    ("individual", False): items("{first} is {a_title} in {city} with {yrs} of experience in {focus}."
                                 "|{first} has spent {yrs} working on {focus}, most recently as {a_title}."),
    ("student", True): items("I'm studying {field} at {inst} and expect to graduate in {grad}."
                             "|I'm a {field} student at {inst}, graduating in {grad}."),
    ("student", False): items("{first} is studying {field} at {inst} and expects to graduate in {grad}."
                              "|{first} is a {field} student at {inst}, graduating in {grad}."),
    ("employer", True): items("I'm {a_title} at {company}, a {size}-person company working on {domain}."
                              "|I work as {a_title} at {company}, where {size} people build {domain} products"
                              " in {city}."),
    ("employer", False): items("{first} is {a_title} at {company}, a {size}-person {domain} company in {city}."
                               "|{first} works as {a_title} at {company}, {a_domain} company of {size} people."),
    ("expert", True): items("I'm {a_title} and I advise {audience} on {focus}."
                            "|I advise {audience} on {focus}, drawing on {yrs} of hands-on work."),
    ("expert", False): items("{first} is {a_title} who advises {audience} on {focus}."
                             "|{first} advises {audience} on {focus}, drawing on {yrs} of hands-on work."),
}
CLOSERS = {
    "individual": items("Comfortable across {tech}, {tech2} and {tech3}.|Currently exploring {interest}."
                        "|Outside work: {hobby}.|Happiest in small teams that write things down and ship often."),
    "open": items("Open to {opportunity}.|Currently looking for {opportunity}."),
    "student": items("Looking for a {focus} internship or graduate role starting in {season}."
                     "|Open to {focus} internships from {season}."),
    "employer": items("Currently hiring {hires}; interviews are {process}."
                      "|Happy to hear from {hires} who are {candidates}."),
    "expert": items("Engagements usually run {weeks} weeks and start with {start}.|Available for {engagement}."
                    "|Speaks regularly at {events}."),
}
FILLERS = {k: items(v) for k, v in dict(
    interest="Rust for backend services|on-device ML|WebAssembly|property-based testing|vector databases"
             "|local-first software|formal methods for distributed systems|green software practices",
    hobby="bouldering and sourdough|long-distance cycling|chess and board-game design|a coding club for teenagers"
          "|film photography|trail running|learning Japanese|restoring old bicycles|birdwatching|jazz bass",
    opportunity="remote roles on product teams|senior roles on platform teams|contract work of three to six months"
                "|roles at climate-focused companies|teams that value mentoring",
    season="summer 2027|early 2027|autumn 2027",
    process="remote and take about two weeks end to end|a paid work sample followed by a pairing session"
            "|structured, with written feedback for every candidate|four stages with no whiteboard puzzles",
    candidates="switching into tech from other careers|returning after a career break|early in their careers"
               "|open to relocating",
    start="a one-day review of the current setup|interviews with the team|a half-day workshop|a written assessment",
    engagement="short advisory retainers|half-day workshops|in-house training|fractional leadership roles",
    events="regional tech conferences|local meetups|internal engineering summits|university guest lectures",
).items()}
PROJECT_OPENERS = items("Side project that {what}.|Personal project that {what}.|Weekend project that {what}."
                        "|Self-initiated project that {what}.|Hackathon project that {what}.")
PROJECT_EXTRAS = items("Used by about {n2} people at a local meetup.|Has {big} stars and a few regular contributors."
                       "|Maintained for {n} months, with a write-up of the design.|Demoed at a meetup in {city}.")

SEEN = set()


def unique(make):
    """make()'s first result not produced before: no two summaries, headlines or descriptions are equal."""
    for _ in range(200):
        text = make()
        if text not in SEEN:
            SEEN.add(text)
            return text
    raise RuntimeError("could not produce a unique text")


def numbers():
    a = rng.randint(300, 1500)
    return dict(n=rng.randint(3, 12), n2=rng.randint(14, 40), big=rng.randint(20, 400), k=rng.randint(12, 900),
                pct=rng.randint(12, 68), pct_lo=rng.randint(35, 60), pct_hi=rng.randint(70, 92), ms_a=a,
                ms_b=rng.randint(40, a // 3), s_a=f"{rng.uniform(3, 7):.1f}", s_b=f"{rng.uniform(0.8, 2.4):.1f}",
                months=rng.randint(3, 9), min_a=rng.randint(25, 90), min_b=rng.randint(4, 15), weeks=rng.randint(2, 12))


def join_and(xs):
    return xs[0] if len(xs) == 1 else ", ".join(xs[:-1]) + " and " + xs[-1]


def a_title(title):
    """'Senior QA Engineer' -> 'a senior QA engineer' (acronyms keep their case)."""
    low = " ".join(w if sum(c.isupper() for c in w) > 1 else w.lower() for w in title.split())
    return ("an " if low[0] in "aeiou" or low.startswith("ML ") else "a ") + low


def years_phrase(y):
    return "under a year" if y == 0 else "a year" if y == 1 else f"{y} years"


def dates(start, end):
    """Month indexes (end None = ongoing) -> start_date, end_date, is_current."""
    first = dt.date(start // 12, start % 12 + 1, 1)
    last = end is not None and dt.date((end + 1) // 12, (end + 1) % 12 + 1, 1) - dt.timedelta(days=1)
    return dict(start_date=first.isoformat(), end_date=last.isoformat() if last else None, is_current=end is None)


ASCII_FOLD = str.maketrans({"ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ø": "o", "Ø": "O", "ı": "i"})


def make_username(first, last, taken):
    f, g = (re.sub(r"[^a-z0-9]", "", unicodedata.normalize("NFKD", s.translate(ASCII_FOLD)).encode("ascii", "ignore")
                   .decode().lower()) for s in (first, last))
    base = pick([f"{f}.{g}", f"{f}{g}", f"{f[0]}{g}", f"{f}_{g}", f"{f}-{g}", f"{f}.{g[0]}", f"{g}.{f}"])
    name = base
    while name in taken["username"] or len(name) < 3:
        name = f"{base}{rng.randint(2, 99)}"
    taken["username"].add(name)
    return name


def random_birth(age):
    """A birth date that makes someone exactly `age` on REF."""
    lo, hi = dt.date(REF.year - age - 1, REF.month, REF.day + 1), dt.date(REF.year - age, REF.month, REF.day)
    return lo + dt.timedelta(days=rng.randint(0, (hi - lo).days))


def plan_degrees(chain, first_month):
    """[degree, start, end] month spans, oldest first, each from September to June."""
    spans, m = [], first_month
    for degree in chain:
        end = m + 12 * pick(DEGREE_YEARS[degree]) - 3
        spans.append([degree, m, end])
        m = end + 3 + 12 * pick((0, 0, 0, 1))  # next September, sometimes after a gap year
    return spans


def split_career(start, end, n):
    """Split months start..end into up to n job spans, oldest first, separated by short gaps."""
    while n > 1 and end - start + 1 < 10 * n:
        n -= 1
    gaps = [pick((0, 0, 1, 2, 3)) for _ in range(n - 1)]
    free = end - start + 1 - sum(gaps)
    weights = [rng.uniform(0.5, 2) for _ in range(n)]
    lengths = [max(1, int(free * w / sum(weights))) for w in weights]
    lengths[-1] += free - sum(lengths)
    spans, m = [], start
    for length, gap in zip(lengths, gaps + [0]):
        spans.append((m, m + length - 1))
        m += length + gap
    return spans


def dedupe(xs):
    return list(dict.fromkeys(xs))


def build_user(key, taken):
    t = TRACKS[key]
    role, base, student = t["role"], TRACKS[t["base"]], key == "student"
    _, firsts, lasts, countries = rng.choices(CULTURES, weights=[c[0] for c in CULTURES])[0]
    country = pick(countries)
    cities, phones, unis = COUNTRIES[country]
    city, first, last = pick(cities), firsts[0], lasts[0]  # each culture's first person gets its first-listed names
    while (first, last) in taken["name"]:  # no two people share a full name
        first, last = pick(firsts), pick(lasts)
    taken["name"].add((first, last))
    location = f"{city}, {country}"
    username = make_username(first, last, taken)
    focus = pick(t.get("focus", ["hiring"]))

    # Age, degrees ([degree, start, end or None]) and the month the career starts.
    if student:
        in_bachelor = chance(0.5)
        birth = random_birth(rng.randint(21, 22) if in_bachelor else rng.randint(22, 24))
        start = (birth.year + 18) * 12 + 8
        degrees = ([["bachelor", 2023 * 12 + 8, None]] if in_bachelor else
                   [["bachelor", start, start + 45], ["master", max(start + 48, 2025 * 12 + 8), None]])
        level, career_start = "high_school" if in_bachelor else "bachelor", None
    else:
        level = rng.choices(EDU_LEVELS, weights=t["edu"])[0]
        lo, hi, mode = max(ROLE_AGES[role][0], MIN_AGE[level]), t["max_age"], ROLE_AGES[role][2]
        birth = random_birth(round(rng.triangular(lo, hi, min(max(mode, lo), hi))))
        degrees = plan_degrees(EDU_CHAIN[level], (birth.year + 18) * 12 + 8)
        career_start = (degrees[-1][2] if degrees else (birth.year + 18) * 12 + 5) + rng.randint(1, 5)
        career_start = max(career_start, REF_M - 45 * 12 + 1)
        if level == "bachelor" and birth.year >= 1991 and chance(0.08):
            degrees.append(["master", 2025 * 12 + 8, None])  # a part-time master's next to the job

    # Skills: mostly the track's own, plus a few from the track it grew out of.
    count = (rng.randint(3, 6) if student else 10 if role == "individual" and chance(0.1)
             else rng.randint(*{"individual": (4, 9), "employer": (3, 7), "expert": (5, 9)}[role]))
    extra = [s for s in base["skills"] if s not in t["skills"]]
    n_extra = min(len(extra), rng.randint(1, 2), count // 3)
    skill_names = rng.sample(t["skills"], min(count - n_extra, len(t["skills"]))) + rng.sample(extra, n_extra)
    if not student and len(skill_names) < 10 and chance(0.35):
        skill_names = dedupe(skill_names + [pick(items(SKILLS["soft_skill"]))])
    # Skills to name in texts: own tools first, then own other skills, topped up to three from the track.
    hard = [s for s in skill_names if SKILL_CATEGORY[s] != "soft_skill"]
    listed = dedupe([s for s in hard if is_tool(s)] + hard)
    listed += [s for s in t["skills"] + extra if s not in listed and SKILL_CATEGORY[s] != "soft_skill"][
        :max(0, 3 - len(listed))]
    langs = [s for s in listed if SKILL_CATEGORY[s] == "programming_language"][:3]

    def text_ctx(company, domain, year=REF.year):
        tech, tech2, tech3 = rng.sample(listed[:6], 3)
        known = [s for s in langs if SKILL_SINCE[s] <= year]
        a_domain = domain and ("an " if domain[0] in "aeio" else "a ") + domain
        return numbers() | dict(company=company, domain=domain, a_domain=a_domain, tech=tech, tech2=tech2,
                                tech3=tech3, lang=pick(known or ["C++"]))

    def fitting_wins(wins, year):
        """Achievements possible in `year`: none naming a technology that did not exist yet."""
        has_lang = any(SKILL_SINCE[s] <= year for s in langs)
        fit = [w for since, w in wins if since <= year and (has_lang or "{lang}" not in w)]
        return fit or [w for _, w in GENERIC_WINS]

    used = set()

    def employer_at(year, youngest=False):
        names = sorted((c for c in COMPANIES if COMPANIES[c][1] <= year and c not in used),
                       key=lambda c: -COMPANIES[c][1])
        name = pick(names[:4] if youngest else names)
        used.add(name)
        return name, COMPANIES[name][0]

    # Jobs, oldest first.
    jobs = []
    if student:
        current = False
        if chance(0.5):
            year = rng.randint(max(degrees[0][1] // 12 + 1, 2024), 2026)
            company, domain = employer_at(year)
            jobs.append(dict(start=year * 12 + 5, end=year * 12 + 7, title=t["titles"][t["focus"].index(focus)],
                             company=company, domain=domain, wins=fitting_wins(t["wins"], year)))
    else:
        months = REF_M - career_start + 1
        current = role != "individual" or months < 36 or chance(0.9)
        end = REF_M if current else REF_M - rng.randint(1, 8)
        spans = split_career(career_start, end, min(5, max(1, round(months / 12 / rng.uniform(3, 7)))))
        done = 0
        for i, (s, e) in enumerate(spans):
            now = current and i == len(spans) - 1
            rank = sum((done + (e - s) / 2) / 12 >= y for y in (2, 5, 9, 14))  # seniority halfway through the job
            title = t["titles"][rank if role == "individual" else max(rank, t["min"]) if now else min(rank, 3)]
            company, domain = employer_at(s // 12, youngest=now and key == "founder")
            if now and key == "operator":
                company, domain = OPERATOR
            elif now and role == "expert":
                company = "Self-employed" if title.startswith("Independent") or chance(0.3) else pick(CONSULTANCIES)
                domain = pick(list(COMPANIES.values()))[0]  # a client's
            jobs.append(dict(start=s, end=e, title=title, company=company, domain=domain,
                             wins=fitting_wins(t["wins"] if now else base["wins"], e // 12)))
            done += e - s + 1
    years = sum(j["end"] - j["start"] + 1 for j in jobs) // 12

    experiences, told = [], collections.Counter()  # told: how often each achievement template was used
    for i, job in enumerate(jobs):
        now = current and i == len(jobs) - 1
        senior = job["title"] in base["titles"][3:] + t["titles"][3:] and key != "recruiter" and not (
            now and role == "expert")

        def describe():
            fresh_first = sorted(rng.sample(job["wins"], len(job["wins"])), key=lambda w: told[w])
            leading = senior and (role != "individual" or chance(0.5))
            chosen = fresh_first[:pick((1, 2, 2))] + ([pick(LEAD_WINS)] if leading else [])
            told.update(chosen)
            job["clauses"] = [w.format(**text_ctx(job["company"], job["domain"], job["end"] // 12)) for w in chosen]
            return " ".join(c[0].upper() + c[1:] + "." for c in job["clauses"])
        other = [c for c in cities if c != city]
        where = location if now or chance(0.7) else f"{pick(other)}, {country}" if other and chance(0.7) else "Remote"
        experiences.append(dict(title=job["title"], company=job["company"], location=where,
                                **dates(job["start"], None if now else job["end"]), description=unique(describe)))
    experiences.reverse()

    skills = []
    for name in skill_names:
        cap = min(years + 2, 30, REF.year - SKILL_SINCE[name])
        got = rng.randint(cap // 3, cap)
        skills.append(dict(name=name, proficiency=min(5, max(1, 1 + got // 3 + pick((-1, 0, 0, 1)))), years=got))
    skills.sort(key=lambda x: (-x["proficiency"], -x["years"]))

    projects = []
    ideas = t["projects"] or base["projects"]
    n_projects = rng.randint(1, 3) if student else pick({"individual": (0, 1, 1, 2, 2, 3), "employer": (0, 0, 0, 1),
                                                          "expert": (0, 0, 1, 2)}[role])
    for idea in rng.sample(ideas, min(n_projects, len(ideas))):
        name, what, stack = idea.split(": ")
        stack = stack.split(", ")
        techs = dedupe(([s for s in stack if s in skill_names] or [pick(stack)]) + rng.sample(stack, rng.randint(0, 2)))
        lo = degrees[0][1] if student else max((birth.year + 18) * 12 + 8, career_start - 24)
        s = rng.randint(max(lo, max(SKILL_SINCE[x] for x in stack) * 12), REF_M - 1)  # not before its stack existed
        e = s + rng.randint(1, 14)

        def describe():
            ctx = numbers() | dict(city=city)
            parts = [pick(PROJECT_OPENERS).format(what=what.format(**ctx))]
            if chance(0.6) and any(is_tool(x) for x in techs):
                parts.append(f"Built with {join_and([x for x in techs if is_tool(x)])}.")
            if chance(0.5):
                parts.append(pick(PROJECT_EXTRAS).format(**ctx))
            return " ".join(parts)
        slug = re.sub(r"[^a-z0-9]+", "-", f"{username} {name}".lower())
        ongoing = e >= REF_M or (s > REF_M - 24 and chance(0.15))
        projects.append(dict(name=name, description=unique(describe),
                             url=f"https://example.com/projects/{slug}" if chance(0.65) else None,
                             **dates(s, None if ongoing else e), technologies=techs))

    educations = []
    if student or not chance(0.08):
        field = pick(t["fields"])
        for degree, s, e in degrees:
            if degree != "bachelor" and chance(0.3):
                field = pick(t["fields"])
            abroad = degree in ("master", "doctorate") and e is not None and chance(0.15)
            inst = f"{city} Technical College" if degree == "associate" else pick(
                COUNTRIES[pick(ABROAD)][2] if abroad else unis)
            note = None
            if e is not None and degree != "associate" and chance(0.35):
                note = unique(lambda: pick(EDU_NOTES).format(
                    topic=pick([x for since, x in FIELD_TOPICS[field] if since <= e // 12]), field_l=field.lower(),
                    sem=rng.randint(2, 6), grade=pick(GRADES),
                    other=pick(COUNTRIES[pick(ABROAD)][2])))
            educations.append(dict(institution=inst, degree=degree, field_of_study=field, **dates(s, e),
                                   description=note))
        educations.reverse()

    # Headline and summary, around one focus per person; summaries retell facts from the experiences.
    last_job = jobs[-1] if jobs else dict(title=None, company=None, domain=None)
    title, company, domain = last_job["title"], last_job["company"], last_job["domain"]
    open_to_work, fp, kind = not student and not current, chance(0.55), "student" if student else role
    person = dict(first=first, city=city, title=title, a_title=title and a_title(title), yrs=years_phrase(years),
                  focus=focus, audience=pick(AUDIENCES), hires=pick(HIRES),
                  prev_title=jobs[-2]["title"] if len(jobs) > 1 else t["titles"][3],
                  size=pick((10, 12, 25, 40)) if key == "founder" else pick((40, 90, 120, 200, 350, 600, 1200, 4000)))
    if student:
        study = educations[0]
        person |= dict(inst=study["institution"], field=study["field_of_study"],
                       degree=study["degree"].capitalize() + "'s",
                       grad=int(study["start_date"][:4]) + (4 if study["degree"] == "bachelor" else 2))

    def ctx():
        return text_ctx(company, domain) | {k: pick(v) for k, v in FILLERS.items()} | person

    headline = unique(lambda: pick(HEADLINES["open" if open_to_work else kind]).format(**ctx()))

    def summarize():
        subj = "I" if fp else first
        parts = [pick(INTROS[(kind, fp)]).format(**ctx())]
        if student:
            parts.append(f"{subj} built a {pick(projects)['name'].lower()} "
                         f"{pick(['for a university hackathon', 'as a course project', 'with two classmates'])}.")
        else:
            if role == "employer":
                parts.append(f"Day to day, that means {pick(t['duties']).format(**ctx())}.")
            earlier = range(len(jobs) - 1 if role != "individual" and len(jobs) > 1 else len(jobs))
            for i in sorted(rng.sample(earlier, min(len(earlier), pick((1, 2)) if role == "individual" else 1)),
                            reverse=True):
                job = jobs[i]
                lead = f"At {job['company']}, {subj}"
                if role != "individual" and i == len(jobs) - 1:
                    lead = f"Recently, {subj}"
                elif role == "expert":
                    lead = f"Earlier, as {a_title(job['title'])} at {job['company']}, {subj}"
                parts.append(f"{lead} {job['clauses'][0]}.")
        if student or open_to_work or role == "employer" or chance(0.7):
            parts.append(pick(CLOSERS["open" if open_to_work else kind]).format(**ctx()))
        return " ".join(parts)

    profile = dict(first_name=first, last_name=last, headline=headline, summary=unique(summarize), location=location,
                   birth_date=None if chance(0.12) else birth.isoformat(), education_level=level,
                   years_experience=years, current_position=title if current else None,
                   current_company=company if current and company != "Self-employed" else None)
    phone = "".join(str(rng.randint(0, 9)) if c == "X" else c for c in pick(phones)) if chance(0.72) else None
    domain_name = rng.choices(["example.com", "example.org", "example.net"], (6, 2, 2))[0]
    return dict(username=username, email=f"{username}@{domain_name}", phone_number=phone, role=role,
                is_admin=key == "operator", avatar_url=None, profile=profile,
                privacy=dict(show_location=chance(0.8),
                             show_birth_date=profile["birth_date"] is not None and chance(0.25),
                             show_phone=phone is not None and chance(0.3)),
                skills=skills, experiences=experiences, portfolio_projects=projects, educations=educations)


def sentences(text):
    return len(re.findall(r"[.!?](?=\s|$)", text))


def check_dates(x, born):
    start, end = dt.date.fromisoformat(x["start_date"]), x["end_date"] and dt.date.fromisoformat(x["end_date"])
    assert x["is_current"] is (end is None) and start <= REF and (end is None or start <= end <= REF), x
    assert born is None or start >= born.replace(year=born.year + 16), x
    return start, end or REF


NULLABLE = {"phone_number", "avatar_url", "birth_date", "current_position", "current_company", "end_date", "url",
            "description"}  # only educations' descriptions may be null; sentences() fails on any other


def validate(data):
    """Assert every rule of the data set, so a bad edit fails here instead of in the seed loader."""
    assert list(data) == ["skills", "users"]
    names = [s["name"] for s in data["skills"]]
    assert 80 <= len(names) <= 120 and len({n.lower() for n in names}) == len(names)
    assert all(list(s) == ["name", "category"] and s["category"] in SKILLS for s in data["skills"])
    users = data["users"]
    assert len(users) == 240
    assert collections.Counter(u["role"] for u in users) == {"individual": 150, "employer": 45, "expert": 45}
    assert len({u["username"].lower() for u in users}) == len({u["email"].lower() for u in users}) == 240
    assert [u["role"] for u in users if u["is_admin"]] == ["individual", "individual"]

    def leaves(x, key=None):
        if isinstance(x, dict):
            return [leaf for k, v in x.items() for leaf in leaves(v, k)]
        return [leaf for v in x for leaf in leaves(v, key)] if isinstance(x, list) else [(key, x)]
    for key, value in leaves(data):
        assert value is not None or key in NULLABLE, f"{key} is null"
        assert not isinstance(value, str) or value and value == value.strip(), f"{key} is blank or untrimmed"
    texts = []
    for u in users:
        assert list(u) == ["username", "email", "phone_number", "role", "is_admin", "avatar_url", "profile", "privacy",
                           "skills", "experiences", "portfolio_projects", "educations"]
        assert re.fullmatch(r"[a-z0-9_.-]{3,50}", u["username"]) and u["avatar_url"] is None, u["username"]
        assert re.fullmatch(r"[a-z0-9_.-]+@example\.(com|org|net)", u["email"]), u["email"]
        assert u["phone_number"] is None or re.fullmatch(r"\+?[0-9 ()-]{6,20}", u["phone_number"]), u["phone_number"]
        p = u["profile"]
        assert list(p) == ["first_name", "last_name", "headline", "summary", "location", "birth_date",
                           "education_level", "years_experience", "current_position", "current_company"]
        assert len(p["headline"]) <= 255 and 2 <= sentences(p["summary"]) <= 4, p["summary"]
        years = p["years_experience"]
        assert p["education_level"] in EDU_LEVELS and isinstance(years, int) and 0 <= years <= 45
        born = p["birth_date"] and dt.date.fromisoformat(p["birth_date"])
        if born:
            age = REF.year - born.year - ((REF.month, REF.day) < (born.month, born.day))
            assert 21 <= age <= 65 and years <= age - 16, p
        assert list(u["privacy"]) == ["show_location", "show_birth_date", "show_phone"]
        assert all(isinstance(v, bool) for v in u["privacy"].values())
        assert 3 <= len(u["skills"]) <= 10 and len({s["name"] for s in u["skills"]}) == len(u["skills"])
        for s in u["skills"]:
            assert list(s) == ["name", "proficiency", "years"] and s["name"] in names and 1 <= s["proficiency"] <= 5
            assert 0 <= s["years"] <= min(30, years + 2, REF.year - SKILL_SINCE[s["name"]]), s

        exps = u["experiences"]
        assert len(exps) <= 5 and sum(e["is_current"] for e in exps) <= 1
        spans = [check_dates(e, born) for e in exps]
        assert [s for s, _ in spans] == sorted((s for s, _ in spans), reverse=True), "experiences newest first"
        past = [span for span, e in zip(spans, exps) if not e["is_current"]]
        assert all(older[1] < newer[0] for newer, older in zip(past, past[1:])), "experiences overlap"
        assert abs(sum((end - start).days for start, end in spans) / 365.25 - years) <= 1.5, "years_experience"
        current = [e for e in exps if e["is_current"]]
        assert p["current_position"] == (current[0]["title"] if current else None)
        assert p["current_company"] in ([current[0]["company"], None] if current else [None])
        for e in exps:
            assert list(e) == ["title", "company", "location", "start_date", "end_date", "is_current", "description"]
            assert 1 <= sentences(e["description"]) <= 3, e["description"]
            texts.append(e["description"])
        assert len(u["portfolio_projects"]) <= 3
        for x in u["portfolio_projects"]:
            assert list(x) == ["name", "description", "url", "start_date", "end_date", "is_current", "technologies"]
            assert x["url"] is None or re.fullmatch(r"https://example\.com/[a-z0-9/-]+", x["url"]), x["url"]
            assert 1 <= sentences(x["description"]) <= 3 and 1 <= len(x["technologies"]) <= 6
            assert len(set(x["technologies"])) == len(x["technologies"]) and set(x["technologies"]) <= set(names)
            start, _ = check_dates(x, born)
            assert all(SKILL_SINCE[s] <= start.year for s in x["technologies"]), x
            texts.append(x["description"])
        assert len(u["educations"]) <= 3
        for x in u["educations"]:
            assert list(x) == ["institution", "degree", "field_of_study", "start_date", "end_date", "is_current",
                               "description"]
            assert x["degree"] in EDU_LEVELS and (x["description"] is None or sentences(x["description"]) == 1)
            check_dates(x, born)
            texts += [x["description"]] if x["description"] else []
        texts.append(p["summary"])

        if u["role"] == "employer":  # their profile is about their hiring role and company
            assert p["current_company"] and p["current_company"] in p["summary"] and "hiring" in p["headline"].lower()
        if u["role"] == "expert":  # their headline says what they advise on
            assert "advis" in p["headline"].lower()
    assert len(set(texts)) == len(texts), "summaries and descriptions must all differ"
    assert len({u["profile"]["headline"] for u in users}) == 240

    # Edge cases real data has.
    assert any(not u["experiences"] and any(x["is_current"] for x in u["educations"]) for u in users), "a student"
    assert any(u["experiences"] and any(x["is_current"] for x in u["educations"]) for u in users), "part-time study"
    assert any(len(u["skills"]) == 10 for u in users), "many skills"
    assert sum(u["profile"]["birth_date"] is None for u in users) >= 10
    assert sum(not (u["profile"]["first_name"] + u["profile"]["last_name"]).isascii() for u in users) >= 10
    assert {"José García", "Zoë de Vries", "Łukasz Nowak", "Minh Nguyễn"} <= {
        f'{u["profile"]["first_name"]} {u["profile"]["last_name"]}' for u in users}


def main():
    keys = [key for key, t in TRACKS.items() for _ in range(t["n"])]
    rng.shuffle(keys)
    taken = collections.defaultdict(set)  # (first, last) names and usernames already given out
    users = [build_user(key, taken) for key in keys]
    data = dict(skills=[dict(name=n, category=c) for n, c in SKILL_CATEGORY.items()], users=users)
    validate(data)
    sys.stdout.buffer.write((json.dumps(data, indent=1, ensure_ascii=False) + "\n").encode())


if __name__ == "__main__":
    main()
