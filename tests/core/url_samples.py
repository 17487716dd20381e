def url_samples():
    from civitas.core import jobs
    from civitas.core.models import Role, RoleAssignment, User

    owner = User.objects.get(email="participant@example.org")
    job = jobs.create("sample", "Sample job", owner=owner)
    jobs.finish(job.pk, file_name="sample.csv", content=b"a;b\n")
    role = Role.objects.create(code="sample", name="Sample", permissions=["core.view_journal"])
    target = User.objects.get(email="secondary@example.org")
    assignment = RoleAssignment.objects.filter(user=target).first()
    from civitas.core import tokens

    api_token, _key = tokens.issue(owner, "sample", mfa_verified=False)
    return {
        "core:job_status": {"pk": job.pk},
        "core:job_download": {"pk": job.pk},
        "core:user_detail": {"pk": target.pk},
        "core:assignment_revoke": {"pk": assignment.pk},
        "core:role_edit": {"pk": role.pk},
        "core:api_token_revoke": {"pk": api_token.pk},
    }
