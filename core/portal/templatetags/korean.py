"""Particles in templates (core.korean): ``{{ position|josa:"을" }}`` → 실장을,
``{{ unit.name|josa:"(으)로" }}`` → 지방인사제도과로."""

from django import template

from core.korean import particle_here, with_particle

register = template.Library()


@register.filter(is_safe=True)
def josa(word: object, form: str) -> str:
    """Return the word followed by the particle form that agrees with it (core.korean)."""
    return with_particle(word, form)


@register.filter(is_safe=True)
def josa_only(word: object, form: str) -> str:
    """Return only the agreeing particle, for a word printed separately (e.g. inside <strong>)."""
    return particle_here(word, form)
