"""GraphQL API of the opinion map (意见地图): backend.opinion_map."""
