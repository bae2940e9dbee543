-- The proxy project a Docker daemon's registry-mirrors setting reaches: reads of Docker Hub repositories
-- at Wharf's root that name no Wharf content are served from it. One at most.
alter table proxy_project add column docker_hub_mirror boolean not null default false;
create unique index proxy_project_one_docker_hub_mirror on proxy_project (docker_hub_mirror) where docker_hub_mirror;
