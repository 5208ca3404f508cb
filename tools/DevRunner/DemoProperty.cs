namespace BookingFunctions.DevRunner;

/// <summary>Ids from sql/seed/demo_property.sql.</summary>
internal static class DemoProperty
{
    public static readonly Guid HarbourViewDouble = Guid.Parse("11111111-1111-4111-8111-111111111111");
    public static readonly Guid GardenSingle = Guid.Parse("22222222-2222-4222-8222-222222222222");
    public static readonly Guid SeaDormBed = Guid.Parse("33333333-3333-4333-8333-333333333333");
}
