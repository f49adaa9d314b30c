"""The market register: who the council buys care from, and whom to talk to there.

Localities and service types are data. A Provider is the organisation registered with the
CQC; a Service is one registered location; a Contact is a person at a provider; an
Association is a provider association with memberships over time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Lower
from django.db.models.signals import post_delete
from django.dispatch import receiver

if TYPE_CHECKING:
    from engage.market.audience import Audience


class Locality(models.Model):
    """An area of the council used to target engagement (demo: North, Mid, South, West).

    ``districts`` and ``postcode_districts`` let the CQC import place a service in a locality:
    CQC files name either a district council ("Location Local Authority") or only the county.
    """

    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=60, unique=True)
    districts = models.JSONField(
        default=list,
        blank=True,
        help_text="District or local authority names this locality covers.",
    )
    postcode_districts = models.JSONField(
        default=list,
        blank=True,
        help_text="Postcode outward codes (e.g. CM1) this locality covers.",
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "localities"
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="locality_name_unique",
                violation_error_message="A locality with this name already exists.",
            )
        ]

    def __str__(self) -> str:
        return self.name


class ServiceType(models.Model):
    """A kind of care service (residential, nursing, domiciliary, …); data, not code.

    The ``slug`` is what the CQC import maps CQC's own vocabulary to
    (see ``engage.market.cqc_format.SERVICE_TYPES``).
    """

    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=60, unique=True)
    description = models.CharField(max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0, help_text="Order in lists.")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Level(models.TextChoices):
    """The three levels at which people work at a provider (the review's "who")."""

    OWNER = "owner", "Owners and directors"
    MANAGER = "manager", "Care managers"
    WORKER = "worker", "Care workers"


class Rating(models.TextChoices):
    OUTSTANDING = "outstanding", "Outstanding"
    GOOD = "good", "Good"
    REQUIRES_IMPROVEMENT = "requires-improvement", "Requires improvement"
    INADEQUATE = "inadequate", "Inadequate"
    NOT_RATED = "", "Not rated yet"


#: Figures of a provider's registered services, stored on the provider for the lists' sake.
PROVIDER_FIGURES = ("active_services", "total_beds", "locality_count")
#: The fields of a service those figures depend on.
SERVICE_FIELDS_IN_FIGURES = frozenset(
    {"provider", "provider_id", "status", "beds", "locality", "locality_id"}
)


def _per_provider(expression: Any) -> Coalesce:
    """One aggregate of the outer provider's registered services (0 when it has none)."""
    active = Service.objects.filter(provider_id=OuterRef("pk"), status=Service.Status.ACTIVE)
    return Coalesce(
        Subquery(
            active.order_by().values("provider_id").annotate(value=expression).values("value")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


class ProviderQuerySet(models.QuerySet["Provider"]):
    def with_cached_count(self) -> ProviderQuerySet:
        """This queryset, whose ``count()`` comes from the cache while the register is
        unchanged (see ``engage.market.caching``): for lists that count on every page."""
        clone = self.all()
        # On the query, which every further filter, order or annotation copies.
        clone.query.market_count_cached = True  # type: ignore[attr-defined]
        return clone

    def count(self) -> int:
        if self._result_cache is not None or not getattr(self.query, "market_count_cached", False):
            return super().count()
        from engage.market.caching import cached_count

        return cached_count(self)

    def refresh_figures(self) -> int:
        """Recompute the stored figures of these providers from their services, in one UPDATE.

        Called whenever services are written: by ``Service.save()``/``delete()`` for one
        service, and by the bulk writers (the CQC import, the demo data) for many. Returns how
        many providers were refreshed.
        """
        from engage.market.caching import bump_register_version

        refreshed = self.update(
            active_services=_per_provider(Count("pk")),
            total_beds=_per_provider(Sum("beds")),
            locality_count=_per_provider(Count("locality_id", distinct=True)),
        )
        bump_register_version()
        return refreshed


class Provider(models.Model):
    """A care provider: the organisation registered with the Care Quality Commission.

    ``active_services``, ``total_beds`` and ``locality_count`` are figures of its registered
    services, kept by ``Provider.objects.refresh_figures()`` (never set by hand, never written
    by ``save()`` of an instance that may hold old values).
    """

    cqc_provider_id = models.CharField(
        "CQC provider ID", max_length=20, unique=True, null=True, blank=True
    )
    name = models.CharField(max_length=250)
    is_tier_one = models.BooleanField(
        "Tier One provider",
        default=False,
        help_text="One of the council's strategic (Tier One) providers.",
    )
    contract_manager = models.ForeignKey(
        "council.Officer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="managed_providers",
        help_text="The officer who manages the council's contracts with this provider.",
    )
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    website = models.URLField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField("general email", blank=True)
    is_active = models.BooleanField(
        default=True, help_text="False when no service is registered any more."
    )
    active_services = models.PositiveIntegerField("registered services", default=0, editable=False)
    total_beds = models.PositiveIntegerField(
        "beds of its registered services", default=0, editable=False
    )
    locality_count = models.PositiveIntegerField(
        "localities of its registered services", default=0, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProviderQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["name"], name="provider_name_idx"),
            models.Index(fields=["is_tier_one", "name"], name="provider_tier_one_idx"),
            # The list's sorts by its figures (name breaks ties, then the row id).
            models.Index(fields=["active_services", "name"], name="provider_services_idx"),
            models.Index(fields=["total_beds", "name"], name="provider_beds_idx"),
            models.Index(fields=["locality_count", "name"], name="provider_localities_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        # An instance loaded before its services changed holds old figures: saving it whole
        # must not write them back. Only refresh_figures() writes them.
        if not self._state.adding and kwargs.get("update_fields") is None:
            deferred = self.get_deferred_fields()
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key
                and f.name not in PROVIDER_FIGURES
                and f.attname not in deferred
            ]
        super().save(*args, **kwargs)


class Service(models.Model):
    """A registered location: a care home, a home-care office, a supported-living scheme, …"""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        DEREGISTERED = "deregistered", "Deregistered"

    cqc_location_id = models.CharField(
        "CQC location ID", max_length=20, unique=True, null=True, blank=True
    )
    #: Unknown when a CQC file without provider columns created the service.
    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, null=True, blank=True, related_name="services"
    )
    name = models.CharField(max_length=250)
    service_types = models.ManyToManyField(ServiceType, related_name="services", blank=True)
    locality = models.ForeignKey(
        Locality, on_delete=models.PROTECT, null=True, blank=True, related_name="services"
    )
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    local_authority = models.CharField(
        max_length=100, blank=True, help_text="As the CQC records it."
    )
    region = models.CharField(max_length=100, blank=True)
    beds = models.PositiveIntegerField("registered beds", null=True, blank=True)
    rating = models.CharField(
        "latest CQC rating", max_length=30, choices=Rating.choices, blank=True, default=""
    )
    rating_date = models.DateField("date of the rating", null=True, blank=True)
    is_contracted = models.BooleanField("contracted with the council", default=False)
    status = models.CharField(max_length=15, choices=Status.choices, default=Status.ACTIVE)
    deregistered_on = models.DateField(null=True, blank=True)
    registered_since = models.DateField(null=True, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    website = models.URLField(blank=True)
    #: CQC's own labels and specialisms, kept as imported.
    cqc_service_types = models.JSONField(default=list, blank=True)
    specialisms = models.JSONField(default=list, blank=True)
    last_imported_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["name"], name="service_name_idx"),
            # A provider's registered services, and those in a locality (the list's filters).
            models.Index(
                fields=["provider", "status", "locality"], name="service_provider_locality_idx"
            ),
            models.Index(fields=["locality", "status"], name="service_locality_status_idx"),
            models.Index(fields=["rating"], name="service_rating_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="active", deregistered_on__isnull=True)
                | Q(status="deregistered"),
                name="service_deregistered_date_only_when_deregistered",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        update_fields = kwargs.get("update_fields")
        affects_figures = update_fields is None or bool(
            SERVICE_FIELDS_IN_FIGURES & set(update_fields)
        )
        previous = getattr(self, "_loaded_provider_id", None)
        if affects_figures and previous is None and self.pk is not None and not self._state.adding:
            previous = (
                Service.objects.filter(pk=self.pk).values_list("provider_id", flat=True).first()
            )
        super().save(*args, **kwargs)
        if affects_figures:
            _refresh_figures_of({previous, self.provider_id})
        self._loaded_provider_id = self.provider_id

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @classmethod
    def from_db(cls, *args: Any, **kwargs: Any) -> Service:
        instance = super().from_db(*args, **kwargs)
        # The provider it had when loaded: moving a service changes two providers' figures.
        instance._loaded_provider_id = instance.__dict__.get("provider_id")
        return instance


def _refresh_figures_of(provider_ids: set[int | None]) -> None:
    wanted = [pk for pk in provider_ids if pk is not None]
    if wanted:
        Provider.objects.filter(pk__in=wanted).refresh_figures()


@receiver(post_delete, sender=Service)
def _service_deleted(sender: type[Service], instance: Service, **kwargs: Any) -> None:
    _refresh_figures_of({instance.provider_id})


class Contact(models.Model):
    """A person at a provider. Personal data: least privilege, audited, exportable, erasable."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=150)
    level = models.CharField(max_length=10, choices=Level.choices)
    job_title = models.CharField(max_length=150, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    services = models.ManyToManyField(
        Service,
        related_name="contacts",
        blank=True,
        help_text="Where they work; none means across the provider.",
    )
    email_consent = models.BooleanField("agreed to receive emails", default=False)
    email_consent_at = models.DateTimeField(null=True, blank=True)
    unsubscribed = models.BooleanField(default=False)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(
        default=True, help_text="False when they have left the provider."
    )
    #: The contact's sign-in to the provider portal, if they have one.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contact",
    )
    erased_at = models.DateTimeField(
        null=True, blank=True, help_text="When their personal data was erased."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["provider", "level"], name="contact_provider_level_idx"),
            models.Index(fields=["name"], name="contact_name_idx"),
            models.Index(fields=["email"], name="contact_email_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def can_be_emailed(self) -> bool:
        """Has an address, agreed to email, has not unsubscribed, has not left or been erased."""
        return (
            bool(self.email)
            and self.email_consent
            and not self.unsubscribed
            and self.is_active
            and not self.erased_at
        )


class Association(models.Model):
    """A provider association (a member body or a network). Merged ones keep their history."""

    class Kind(models.TextChoices):
        MEMBER_BODY = "member-body", "Member body"
        NETWORK = "network", "Network"

    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=20, blank=True)
    kind = models.CharField(max_length=15, choices=Kind.choices)
    website = models.URLField(blank=True)
    description = models.TextField(blank=True)
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_from"
    )
    merged_on = models.DateField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="association_name_unique",
                violation_error_message="An association with this name already exists.",
            )
        ]

    def __str__(self) -> str:
        return self.name


class AssociationMembership(models.Model):
    """A provider's membership of an association from ``start`` to ``end`` (open if empty)."""

    association = models.ForeignKey(
        Association, on_delete=models.PROTECT, related_name="memberships"
    )
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="memberships")
    start = models.DateField()
    end = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-start", "pk"]
        indexes = [models.Index(fields=["provider", "end"], name="membership_provider_end_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="membership_ends_after_it_starts",
                violation_error_message="A membership cannot end before it starts.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider} in {self.association} from {self.start}"

    def clean(self) -> None:
        if self.end and self.start and self.end < self.start:
            raise ValidationError({"end": "A membership cannot end before it starts."})
        if self.provider_id and self.association_id and self.start:
            overlapping = AssociationMembership.objects.filter(
                association_id=self.association_id, provider_id=self.provider_id
            ).exclude(pk=self.pk)
            overlapping = overlapping.filter(Q(end__isnull=True) | Q(end__gte=self.start))
            if self.end:
                overlapping = overlapping.filter(start__lte=self.end)
            if overlapping.exists():
                raise ValidationError(
                    "This provider is already a member of this association at that time."
                )


class CqcImport(models.Model):
    """One run of the CQC import: who, when, which file, what changed and what was wrong."""

    class Outcome(models.TextChoices):
        IMPORTED = "imported", "Imported"
        REFUSED = "refused", "Refused (nothing written)"
        DRY_RUN = "dry-run", "Checked only (nothing written)"

    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    file_name = models.CharField(max_length=300)
    layout = models.CharField(max_length=40, blank=True)
    local_authorities = models.JSONField(default=list, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    deregistered = models.PositiveIntegerField(default=0)
    providers_created = models.PositiveIntegerField(default=0)
    providers_updated = models.PositiveIntegerField(default=0)
    skipped = models.JSONField(default=dict, blank=True, help_text="Reason -> count.")
    errors = models.JSONField(default=list, blank=True, help_text="[[line, reason], …]")

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_outcome_display()})"


class AudienceFields(models.Model):
    """Who an activity, a group or a session is for: service types × levels × localities.

    An empty dimension means "all" (no service type chosen: every service type). The pure
    logic (overlap, description) is ``engage.market.audience.Audience``; ``audience()`` builds
    one from these fields (prefetch the two many-to-many fields on lists).
    """

    audience_service_types = models.ManyToManyField(
        ServiceType, blank=True, related_name="+", verbose_name="service types"
    )
    audience_localities = models.ManyToManyField(
        Locality, blank=True, related_name="+", verbose_name="localities"
    )
    for_owners = models.BooleanField("owners and directors", default=False)
    for_managers = models.BooleanField("care managers", default=False)
    for_workers = models.BooleanField("care workers", default=False)
    tier_one_only = models.BooleanField("Tier One providers only", default=False)

    class Meta:
        abstract = True

    def audience(self) -> Audience:
        return self.audience_with(
            service_types=frozenset(t.slug for t in self.audience_service_types.all()),
            localities=frozenset(loc.slug for loc in self.audience_localities.all()),
        )

    def audience_with(
        self, *, service_types: frozenset[str], localities: frozenset[str]
    ) -> Audience:
        """``audience()`` from the slugs of its service types and localities, read by the
        caller (for many rows at once, without prefetching each relation)."""
        from engage.market.audience import Audience

        levels = {
            level
            for level, chosen in (
                (Level.OWNER, self.for_owners),
                (Level.MANAGER, self.for_managers),
                (Level.WORKER, self.for_workers),
            )
            if chosen
        }
        return Audience(
            service_types=service_types,
            levels=frozenset(str(level) for level in levels),
            localities=localities,
            tier_one_only=self.tier_one_only,
        )
