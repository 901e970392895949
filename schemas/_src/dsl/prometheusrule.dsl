def Duration s p=^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$
toprequired spec
top spec o
  groups a:o req=name
    interval @Duration
    labels m:s
    limit i
    name s minL=1
    partial_response_strategy s p=^([aA][bB][oO][rR][tT]|[wW][aA][rR][nN])?$
    query_offset @Duration
    rules a:o req=expr
      alert s
      annotations m:s
      expr ios
      for @Duration
      keep_firing_for s minL=1 p=^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$
      labels m:s
      record s
