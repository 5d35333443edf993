from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.views.decorators.http import require_POST


@require_POST
@permission_required('billing.add_invoice')
def create_invoice(request):
    return HttpResponse(status=201)


@require_POST
@permission_required('billing.delete_invoice')
def delete_invoice(request, pk):
    return HttpResponse(status=204)


@require_POST
@permission_required('billing.change_invoice')
def refund_invoice(request, pk):
    return HttpResponse(status=200)
