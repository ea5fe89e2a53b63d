using Microsoft.Extensions.Options;
using SilentCert.Gateway.Hosting;

namespace SilentCert.Gateway.Apis;

public static class SilentCertApi
{
    public static IEndpointRouteBuilder MapSilentCertApi(this IEndpointRouteBuilder routes)
    {
        routes.MapBeneficiariesApi();
        routes.MapEvidenceApi();
        routes.MapNotificationsApi();
        routes.MapRecognitionsApi();
        routes.MapPayrollApi();
        routes.MapWebhooksApi();
        routes.MapDeliveriesApi();
        routes.MapCasesApi();
        routes.MapVisitsApi();
        if (routes.ServiceProvider.GetRequiredService<IOptions<ClockOptions>>().Value.IsManual)
        {
            routes.MapClockApi();
        }
        return routes;
    }
}
