"""Plan lifecycle (issue 15): draft → in force → ended replaces is_current; a plan names the plan it follows, says
whether it is an example, and its districts may carry an English name."""

import django.db.models.deletion
from django.db import migrations, models


def status_from_is_current(apps, schema_editor):
    """The current plan is in force; the others were loaded beside it (synthetic plans): drafts."""
    Plan = apps.get_model("districts", "Plan")
    Plan.objects.filter(is_current=True).update(status="in_force")


def is_current_from_status(apps, schema_editor):
    Plan = apps.get_model("districts", "Plan")
    Plan.objects.filter(status="in_force").update(is_current=True)


class Migration(migrations.Migration):

    dependencies = [
        ('districts', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='plan',
            name='status',
            field=models.CharField(choices=[('draft', '草稿'), ('in_force', '施行中'), ('ended', '已结束')], default='draft', max_length=10, verbose_name='状态'),
        ),
        migrations.RunPython(status_from_is_current, is_current_from_status),
        migrations.RemoveField(
            model_name='plan',
            name='is_current',
        ),
        migrations.AddField(
            model_name='district',
            name='name_en',
            field=models.CharField(blank=True, max_length=120, verbose_name='英文名称'),
        ),
        migrations.AddField(
            model_name='plan',
            name='ended_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='结束时间'),
        ),
        migrations.AddField(
            model_name='plan',
            name='in_force_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='施行时间'),
        ),
        migrations.AddField(
            model_name='plan',
            name='is_example',
            field=models.BooleanField(default=False, verbose_name='示例规划（非正式规划）'),
        ),
        migrations.AddField(
            model_name='plan',
            name='issuer',
            field=models.CharField(blank=True, max_length=200, verbose_name='发布机关'),
        ),
        migrations.AddField(
            model_name='plan',
            name='previous',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='next_plans', to='districts.plan', verbose_name='上一规划'),
        ),
        migrations.AddConstraint(
            model_name='plan',
            constraint=models.UniqueConstraint(condition=models.Q(('status', 'in_force')), fields=('status',), name='plan_one_in_force'),
        ),
    ]
