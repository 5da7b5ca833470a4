-- SIPAS dashboard store, schema version 3 (2: respondent_recheck; 3: group aggregates, stored results and ranks).
-- Conventions: unit ids are '<LEVEL><63|34>-<GSO code>' (P63-01, D63-001, C63-00001, P34-01, C34-00004),
-- 'R-<n>' for socio-economic regions, 'VN' for the nation, 'A-<province id>-<slug>' for agencies.
-- geo_version is 'pre2025' (63 provinces, districts, communes before 1 July 2025) or '2025' (34 provinces, communes).

CREATE TABLE IF NOT EXISTS schema_version (
    version     INTEGER NOT NULL,
    applied_at  TIMESTAMP NOT NULL DEFAULT current_timestamp,
    note        VARCHAR
);

CREATE TABLE IF NOT EXISTS admin_unit (
    unit_id      VARCHAR PRIMARY KEY,
    gso_code     VARCHAR,               -- GSO code as published (2, 3 or 5 digits); NULL for nation/region/agency
    level        VARCHAR NOT NULL CHECK (level IN ('nation', 'region', 'province', 'district', 'commune', 'agency')),
    geo_version  VARCHAR NOT NULL CHECK (geo_version IN ('pre2025', '2025', 'any')),
    name_vi      VARCHAR NOT NULL,      -- full name with unit type, NFC (e.g. 'Tỉnh Bắc Kạn')
    short_vi     VARCHAR NOT NULL,      -- name without unit type (e.g. 'Bắc Kạn')
    type_vi      VARCHAR,               -- 'Tỉnh', 'Thành phố', 'Quận', 'Huyện', 'Thị xã', 'Phường', 'Xã', 'Thị trấn', 'Đặc khu'
    name_en      VARCHAR NOT NULL,
    parent_id    VARCHAR,               -- province for district/commune, district for pre-2025 commune, region for province
    region_id    VARCHAR,               -- socio-economic region (provinces and below)
    valid_from   DATE,                  -- NULL when not known
    valid_to     DATE,                  -- NULL while still valid
    lat          DOUBLE,
    lon          DOUBLE,
    is_generated BOOLEAN NOT NULL DEFAULT FALSE  -- TRUE for demo-only units (e.g. generated agencies)
);

-- Old unit -> new unit. For provinces the merge was whole (share = 1). For communes split between
-- several new communes, share is the fraction attributed to each (area-based where known).
CREATE TABLE IF NOT EXISTS unit_crosswalk (
    old_unit_id  VARCHAR NOT NULL,
    new_unit_id  VARCHAR NOT NULL,
    share        DOUBLE NOT NULL DEFAULT 1.0 CHECK (share > 0 AND share <= 1),
    is_default   BOOLEAN NOT NULL DEFAULT TRUE,
    effective    DATE NOT NULL,
    source       VARCHAR NOT NULL,
    PRIMARY KEY (old_unit_id, new_unit_id)
);

CREATE TABLE IF NOT EXISTS methodology (
    methodology_id   VARCHAR PRIMARY KEY,
    name_vi          VARCHAR NOT NULL,
    name_en          VARCHAR NOT NULL,
    first_year       INTEGER NOT NULL,
    last_year        INTEGER,
    legal_basis      VARCHAR,
    population_vi    VARCHAR,
    population_en    VARCHAR,
    aggregation      VARCHAR NOT NULL,  -- e.g. 'mean_of_children'
    formula_status   VARCHAR NOT NULL,  -- 'confirmed' | 'assumed'
    notes            VARCHAR,
    file_name        VARCHAR NOT NULL,
    file_sha256      VARCHAR NOT NULL
);

-- Tree of index components: overall -> domain -> element/content -> item.
CREATE TABLE IF NOT EXISTS methodology_component (
    methodology_id  VARCHAR NOT NULL,
    component_code  VARCHAR NOT NULL,
    level           VARCHAR NOT NULL CHECK (level IN ('overall', 'domain', 'element')),
    parent_code     VARCHAR,
    name_vi         VARCHAR NOT NULL,
    name_en         VARCHAR NOT NULL,
    weight          DOUBLE NOT NULL DEFAULT 1.0,
    position        INTEGER NOT NULL,
    PRIMARY KEY (methodology_id, component_code)
);

CREATE TABLE IF NOT EXISTS methodology_item (
    methodology_id   VARCHAR NOT NULL,
    item_code        VARCHAR NOT NULL,
    kind             VARCHAR NOT NULL CHECK (kind IN ('satisfaction', 'perception', 'expectation', 'outcome')),
                                        -- outcome: the overall-satisfaction question (driver analysis), outside the index
    element_code     VARCHAR,           -- component the item feeds (NULL for items outside the index)
    text_vi          VARCHAR NOT NULL,
    text_en          VARCHAR NOT NULL,
    scale_min        INTEGER NOT NULL,
    scale_max        INTEGER NOT NULL,
    positive_min     INTEGER NOT NULL,  -- answers >= positive_min (and <= scale_max) count as satisfied / positive
    positive_max     INTEGER NOT NULL,
    missing_codes    INTEGER[] NOT NULL, -- codes meaning 'not applicable / no answer', excluded from the base
    wording_status   VARCHAR NOT NULL,  -- 'official' | 'third_party_copy' | 'reconstructed'
    position         INTEGER NOT NULL,
    PRIMARY KEY (methodology_id, item_code)
);

CREATE TABLE IF NOT EXISTS survey_wave (
    year             INTEGER PRIMARY KEY,
    methodology_id   VARCHAR NOT NULL,
    geo_version      VARCHAR NOT NULL CHECK (geo_version IN ('pre2025', '2025')),
    fieldwork_start  DATE,
    fieldwork_end    DATE,
    data_kind        VARCHAR NOT NULL CHECK (data_kind IN ('generated', 'microdata', 'published_only')),
    notes            VARCHAR
);

-- One row per respondent. No names, phone numbers, addresses or ID numbers are ever stored here.
CREATE TABLE IF NOT EXISTS respondent (
    year            INTEGER NOT NULL,
    respondent_id   VARCHAR NOT NULL,   -- survey's own id (or a salted hash of it)
    resp_no         INTEGER NOT NULL,   -- compact key within the year, used by `answer`
    province_id     VARCHAR NOT NULL,
    district_id     VARCHAR,            -- pre-2025 waves only
    commune_id      VARCHAR,
    agency_id       VARCHAR,
    stratum_id      VARCHAR NOT NULL,   -- design stratum (the province)
    psu_id          VARCHAR NOT NULL,   -- primary sampling unit (the sampled commune or district)
    weight          DOUBLE NOT NULL CHECK (weight > 0),
    sex             VARCHAR,
    age_group       VARCHAR,
    ethnicity       VARCHAR,
    education       VARCHAR,
    area            VARCHAR,
    service_field   VARCHAR,
    channel         VARCHAR,
    is_generated    BOOLEAN NOT NULL DEFAULT FALSE,
    import_id       INTEGER
    -- (year, respondent_id) and (year, resp_no) are unique: checked before and after every insert
    -- (store/imports.py). No index: an index made replacing a wave of a million respondents take
    -- 40 s and held memory in every reader.
);

-- Identifying fields (phone, name, address, national ID) of respondents kept ONLY as a salted HMAC-SHA256 for
-- fieldwork re-check sampling (SIPAS_PII_MODE=hash); the salt lives outside the database. Never displayed.
CREATE TABLE IF NOT EXISTS respondent_recheck (
    year        INTEGER NOT NULL,
    resp_no     INTEGER NOT NULL,
    field       VARCHAR NOT NULL CHECK (field IN ('name', 'phone', 'address', 'national_id', 'email')),
    value_hash  VARCHAR NOT NULL
);

-- Long format: one row per respondent x item answered (item not asked: no row).
CREATE TABLE IF NOT EXISTS answer (
    year           INTEGER NOT NULL,
    resp_no        INTEGER NOT NULL,
    item_code      VARCHAR NOT NULL,
    value          TINYINT NOT NULL
);

-- Figures known only as published numbers (national, provincial, agency), with their source.
CREATE TABLE IF NOT EXISTS published_value (
    year                INTEGER NOT NULL,
    unit_id             VARCHAR NOT NULL,
    index_code          VARCHAR NOT NULL,   -- 'overall', 'domain:policy', 'element:access', 'item:...', 'expectation:...'
    value               DOUBLE,             -- percent 0-100; NULL when only a rank was published
    value_as_published  VARCHAR,
    rank                INTEGER,
    rank_of             INTEGER,
    respondents         INTEGER,
    note                VARCHAR,
    source              VARCHAR NOT NULL,
    measured_by         VARCHAR NOT NULL DEFAULT 'MoHA SIPAS',
    import_id           INTEGER
);

CREATE SEQUENCE IF NOT EXISTS import_id_seq START 1;

CREATE TABLE IF NOT EXISTS import_log (
    import_id     INTEGER PRIMARY KEY,
    kind          VARCHAR NOT NULL,  -- 'demo', 'reference', 'published', 'microdata'
    year          INTEGER,
    file_name     VARCHAR,
    file_sha256   VARCHAR,
    rows_loaded   INTEGER NOT NULL,
    imported_by   VARCHAR NOT NULL,
    imported_at   TIMESTAMP NOT NULL DEFAULT current_timestamp,
    replaced      VARCHAR,
    note          VARCHAR
);

-- Sufficient statistics per wave x PSU x item (and the PSU's units), rebuilt whenever a wave is loaded
-- (store/aggregates.py). Every geographic unit is a function of these rows, so index queries read a few
-- thousand rows instead of every answer. Breakdowns by respondent characteristics have their own tables.
CREATE TABLE IF NOT EXISTS agg_psu_item (
    year         INTEGER NOT NULL,
    stratum_id   VARCHAR NOT NULL,
    psu_id       VARCHAR NOT NULL,
    province_id  VARCHAR NOT NULL,
    district_id  VARCHAR,
    commune_id   VARCHAR,
    agency_id    VARCHAR,
    item_code    VARCHAR NOT NULL,
    n_valid      BIGINT NOT NULL,
    w_valid      DOUBLE NOT NULL,
    w_pos        DOUBLE NOT NULL,
    w_score      DOUBLE NOT NULL
);

CREATE TABLE IF NOT EXISTS agg_psu_respondent (
    year         INTEGER NOT NULL,
    stratum_id   VARCHAR NOT NULL,
    psu_id       VARCHAR NOT NULL,
    province_id  VARCHAR NOT NULL,
    district_id  VARCHAR,
    commune_id   VARCHAR,
    agency_id    VARCHAR,
    n            BIGINT NOT NULL,
    sum_w        DOUBLE NOT NULL,
    sum_w2       DOUBLE NOT NULL
);

-- The same sufficient statistics per respondent group, for each breakdown of data/queries.BREAKDOWNS
-- (grp NULL = the characteristic was not recorded), for levels that follow from the province (national,
-- region, province, province34); breakdowns of smaller units read the raw answers. Rebuilt with agg_psu_item.
CREATE TABLE IF NOT EXISTS agg_psu_item_group (
    year         INTEGER NOT NULL,
    breakdown    VARCHAR NOT NULL,
    grp          VARCHAR,
    stratum_id   VARCHAR NOT NULL,
    psu_id       VARCHAR NOT NULL,
    province_id  VARCHAR NOT NULL,
    item_code    VARCHAR NOT NULL,
    n_valid      BIGINT NOT NULL,
    w_valid      DOUBLE NOT NULL,
    w_pos        DOUBLE NOT NULL,
    w_score      DOUBLE NOT NULL
);

CREATE TABLE IF NOT EXISTS agg_psu_respondent_group (
    year         INTEGER NOT NULL,
    breakdown    VARCHAR NOT NULL,
    grp          VARCHAR,
    stratum_id   VARCHAR NOT NULL,
    psu_id       VARCHAR NOT NULL,
    province_id  VARCHAR NOT NULL,
    n            BIGINT NOT NULL,
    sum_w        DOUBLE NOT NULL,
    sum_w2       DOUBLE NOT NULL
);

-- Index results as analysis.engine.compute_indices returns them (default options, no breakdown), stored
-- per wave x unit level when a wave is loaded (analysis/precompute.py), so a page reads them instead of
-- estimating. data_flags holds only flags that follow from the data (suppressed, single_psu); flags that
-- follow from the wave and the level (generated, reaggregated) are added when read.
CREATE TABLE IF NOT EXISTS agg_result (
    year        INTEGER NOT NULL,
    level       VARCHAR NOT NULL,
    unit_id     VARCHAR NOT NULL,
    grp         VARCHAR NOT NULL,
    index_code  VARCHAR NOT NULL,
    value       DOUBLE,
    se          DOUBLE,
    ci_low      DOUBLE,
    ci_high     DOUBLE,
    df          DOUBLE,
    n           DOUBLE,
    n_eff       DOUBLE,
    n_valid     DOUBLE,
    n_psu       DOUBLE,
    data_flags  VARCHAR NOT NULL,
    position    INTEGER NOT NULL       -- row order of the computed frame
);

-- Which (wave, level) result sets are stored: a level with no units is stored as an empty set.
CREATE TABLE IF NOT EXISTS agg_result_set (
    year         INTEGER NOT NULL,
    level        VARCHAR NOT NULL,
    rows         INTEGER NOT NULL,
    computed_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (year, level)
);

-- Ranks with their simulation intervals (analysis.ranking.rank_units) of the overall index, per wave x
-- province level, stored with the results.
CREATE TABLE IF NOT EXISTS agg_rank (
    year           INTEGER NOT NULL,
    level          VARCHAR NOT NULL,
    index_code     VARCHAR NOT NULL,
    unit_id        VARCHAR NOT NULL,
    rank           INTEGER,
    rank_of        INTEGER,
    rank_low       INTEGER,
    rank_high      INTEGER,
    tier           INTEGER,
    position       INTEGER NOT NULL
);

-- Per respondent x element (kind 'satisfaction') and outcome item (kind 'outcome'): the share (0–100) of the
-- respondent's valid answers that were satisfied, for key-driver models. Stored in province order, so one
-- province's respondents are read without scanning every answer. Rebuilt with agg_psu_item.
CREATE TABLE IF NOT EXISTS agg_respondent_score (
    year         INTEGER NOT NULL,
    resp_no      INTEGER NOT NULL,
    province_id  VARCHAR NOT NULL,
    district_id  VARCHAR,
    commune_id   VARCHAR,
    agency_id    VARCHAR,
    weight       DOUBLE NOT NULL,
    psu_id       VARCHAR NOT NULL,
    stratum_id   VARCHAR NOT NULL,
    kind         VARCHAR NOT NULL,
    part         VARCHAR NOT NULL,
    score        DOUBLE NOT NULL
);
