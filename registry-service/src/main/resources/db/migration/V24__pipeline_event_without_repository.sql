-- An outcome that follows a registry-wide event (gc.completed: a run concerns no repository) names no
-- repository. Before this, such an outcome could not be stored, nor even published by the notifier.
ALTER TABLE pipeline_event ALTER COLUMN repository DROP NOT NULL;
