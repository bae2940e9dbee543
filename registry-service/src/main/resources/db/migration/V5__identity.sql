-- Identity and access: accounts, projects with Harbor-style member roles, robot accounts,
-- personal access tokens, and the shared pull-limit counters.

create table account (
    id             bigserial primary key,
    username       varchar(255) not null unique,
    email          varchar(320),
    -- bcrypt ($2y$...) of the password
    password_hash  varchar(100) not null,
    system_admin   boolean not null default false,
    -- bumped when the password changes: refresh tokens issued before stop working
    token_version  integer not null default 0,
    created_at     timestamptz not null default now()
);

create table project (
    id                  bigserial primary key,
    name                varchar(255) not null unique,
    public              boolean not null default false,
    verified_publisher  boolean not null default false,
    created_at          timestamptz not null default now()
);

create table project_member (
    project_id  bigint not null references project (id) on delete cascade,
    account_id  bigint not null references account (id) on delete cascade,
    role        varchar(20) not null
                check (role in ('projectAdmin', 'maintainer', 'developer', 'guest', 'limitedGuest')),
    primary key (project_id, account_id)
);
create index project_member_account on project_member (account_id);

create table robot (
    id           bigserial primary key,
    project_id   bigint not null references project (id) on delete cascade,
    name         varchar(100) not null,
    description  varchar(1000),
    -- SHA-256 (hex) of the 256-bit random secret, which is shown once
    secret_hash  char(64) not null unique,
    -- comma-separated subset of pull,push,delete
    permissions  varchar(100) not null,
    expires_at   timestamptz,
    disabled     boolean not null default false,
    created_at   timestamptz not null default now(),
    unique (project_id, name)
);

create table access_token (
    id           bigserial primary key,
    account_id   bigint not null references account (id) on delete cascade,
    name         varchar(100) not null,
    -- SHA-256 (hex) of the random token, which is shown once
    secret_hash  char(64) not null unique,
    expires_at   timestamptz,
    created_at   timestamptz not null default now(),
    unique (account_id, name)
);

-- Pull-limit counters shared by every registry instance: one row per subject and fixed window.
create table pull_count (
    subject       varchar(300) not null,
    window_start  timestamptz not null,
    pulls         bigint not null,
    primary key (subject, window_start)
);

-- The home of official images exists from the first start and is public.
insert into project (name, public) values ('library', true);
