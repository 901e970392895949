def LabelSelector o
  matchExpressions a:o req=key,operator
    key s
    operator s
    values a:s
  matchLabels m:s
