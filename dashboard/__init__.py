"""Pages that read across apps: the deputy mayor's dashboard and its briefings, "내 부서", the
home page, and the portfolio version that keeps the cached dashboard current. The top layer:
it imports from `projects` and `reviews`, and nothing imports from it."""
