-- Proxy projects: a project bound to an upstream registry, whose content is fetched from there on
-- a pull that misses and then kept as the project's ordinary content.

create table proxy_project (
    project_id          bigint primary key references project (id) on delete cascade,
    -- absolute http(s) URL of the upstream registry (its /v2/ is below it)
    upstream_url        varchar(2048) not null,
    upstream_username   varchar(255),
    -- sealed (AES-GCM, "sealed:v1:...") under wharf.proxy.secrets-key; never clear
    upstream_password   text,
    -- how long a tag checked with the upstream is served without asking again
    tag_check_seconds   integer not null default 300 check (tag_check_seconds >= 0),
    created_at          timestamptz not null default now()
);

-- When each tag of a proxy project was last compared with the upstream, and what it named then.
create table proxy_tag_check (
    repository  text collate "C" not null,
    tag         text collate "C" not null,
    digest      text not null,
    checked_at  timestamptz not null default now(),
    primary key (repository, tag)
);
