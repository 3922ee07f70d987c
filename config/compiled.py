"""Lookups whose SQL the ORM compiles once per process instead of on every call.

Resolving a bearer token reads the token and its person (about sixty columns) on every authenticated
request; Django spends about as long compiling that query as PostgreSQL spends answering it. A
`CompiledLookup` compiles the queryset once per database alias with a placeholder value, then runs the same
SQL with the real value and builds model instances (select_related included) as Django's ModelIterable does.
Only for querysets whose SQL depends on nothing but the looked-up value.
"""

from collections.abc import Callable
from typing import Any

from django.db import connections, router
from django.db.models import QuerySet
from django.db.models.query import get_related_populators

PLACEHOLDER = "compiled-lookup-placeholder-7f3a"


class CompiledLookup:
    def __init__(self, queryset_for: Callable[[Any], QuerySet]):
        self.queryset_for = queryset_for
        self._compiled: dict[str, tuple] = {}

    def _compile(self, alias: str) -> tuple:
        compiled = self._compiled.get(alias)
        if compiled is None:
            compiler = self.queryset_for(PLACEHOLDER).query.get_compiler(using=alias)
            sql, params = compiler.as_sql()
            if list(params).count(PLACEHOLDER) != 1:
                raise ValueError("A compiled lookup takes exactly one parameter, its looked-up value")
            compiled = self._compiled[alias] = (sql, tuple(params), list(params).index(PLACEHOLDER), compiler)
        return compiled

    def first(self, value):
        """The first instance the queryset gives for `value`, or None."""
        model = self.queryset_for(PLACEHOLDER).model
        alias = router.db_for_read(model)
        sql, params, index, compiler = self._compile(alias)
        params = list(params)
        params[index] = value
        with connections[alias].cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        if row is None:
            return None
        row = next(iter(compiler.results_iter(results=[[row]])))
        select, klass_info = compiler.select, compiler.klass_info
        fields = klass_info["select_fields"]
        start, end = fields[0], fields[-1] + 1
        names = [column[0].target.attname for column in select[start:end]]
        instance = klass_info["model"].from_db(alias, names, row[start:end])
        for populator in get_related_populators(klass_info, select, alias):
            populator.populate(row, instance)
        return instance
